"""What a message is about: the five kinds of the Qualiweb barometer, other, and any
category a company adds, from the subject and the new text.

A linear model over word and character n-grams: fast (well under a millisecond a message),
robust to typos, missing accents and SMS spelling, and retrainable in seconds from agents'
corrections.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sklearn.pipeline import Pipeline

from answerdesk.nlp.linear_text import LinearText, words_and_characters

# Beyond this the text adds time, not evidence: the purpose of a mail shows early.
_SAMPLE_CHARS = 800


@dataclass(frozen=True, slots=True)
class KindGuess:
    kind: str
    confidence: float


def document(subject: str, text: str) -> str:
    return f"{subject}\n{text[:_SAMPLE_CHARS]}"


class KindModel:
    def __init__(self, pipeline: Pipeline, version: str) -> None:
        self.pipeline = pipeline
        self.version = version
        self.linear = LinearText(pipeline)
        self.kinds = self.linear.classes

    def guess(self, subject: str, text: str) -> KindGuess:
        row = self.linear.probabilities(document(subject, text))
        best = int(row.argmax())
        return KindGuess(self.kinds[best], round(float(row[best]), 3))


def train_kinds(
    messages: Sequence[tuple[str, str]], labels: Sequence[str], version: str
) -> KindModel:
    """Train on (subject, new text) pairs and their kinds."""
    pipeline = words_and_characters(words=(1, 2), characters=(3, 5), c=10.0)
    pipeline.fit([document(s, t) for s, t in messages], list(labels))
    return KindModel(pipeline, version)
