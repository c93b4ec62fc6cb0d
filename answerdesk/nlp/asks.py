"""Every distinct thing a customer asks, with its character span in the new text.

The new text is cut into sentences, lines and list items (sentences.py); a linear model
decides which of them the company must answer, from their words and a few cues spelled as
words (a question mark, a list item, a P.S., the message's kind, the sentence before); a
question that joins two questions with "and"/"et" is then cut in two, because each needs
its own answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sklearn.pipeline import Pipeline

from answerdesk.nlp.linear_text import LinearText, words_and_characters
from answerdesk.nlp.sentences import Segment, segments

# Default decision threshold on the model's probability; bench/nlp_eval.py shows the
# trade-off and train.py chooses it by cross-validation on the training data.
THRESHOLD = 0.5
# A segment longer than this is a paragraph the segmenter could not cut; it is kept, but
# only its start and end words speak for it.
_MAX_WORDS = 60

_WORD = re.compile(r"\w+", re.UNICODE)
_PS = re.compile(r"^\s*(p\.?\s?s\.?|pps)\b", re.IGNORECASE)
_CLOSING = re.compile(
    r"^(cordialement|bien (à vous|cordialement)|salutations|merci|thanks?|regards|best|"
    r"sincerely|cheers|bonne journée|have a nice)",
    re.IGNORECASE,
)
# "What is the price and when can you deliver?": the second question starts with one of
# these after the conjunction.
_SECOND_QUESTION = re.compile(
    r"(?:,\s*|\s+)(?:et|and|ou|or|ainsi que|also|aussi|;)\s+"
    r"(?=(?:when|where|how|what|which|who|why|whether|if|do|does|did|can|could|will|would|"
    r"is|are|should|quand|où|ou est|comment|quel|quelle|quels|quelles|combien|pourquoi|"
    r"est-ce|est ce|pouvez|pourriez|puis-je|puis je|peut-on|avez|êtes|serait|sera|si)\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Ask:
    text: str
    start: int
    end: int
    score: float


def _bucket(count: int) -> str:
    return "w0" if count < 3 else "w1" if count < 8 else "w2" if count < 20 else "w3"


def describe(segment: Segment, previous: Segment | None, index: int, total: int, kind: str) -> str:
    """The segment as words plus cue words, for the vectorizer."""
    words = segment.text.split()
    if len(words) > _MAX_WORDS:
        words = words[:30] + words[-30:]
    cues = [f"__kind_{kind}", f"__len_{_bucket(len(words))}"]
    text = segment.text
    if "?" in text:
        cues.append("__qmark")
        if text.rstrip().endswith("?"):
            cues.append("__qend")
    if text.rstrip().endswith("!"):
        cues.append("__bang")
    if text.rstrip().endswith(":"):
        cues.append("__colon")
    if segment.list_item:
        cues.append("__list")
    if _PS.match(text):
        cues.append("__ps")
    if _CLOSING.match(text):
        cues.append("__closing")
    if index == 0:
        cues.append("__first")
    if index == total - 1:
        cues.append("__last")
    if previous is not None:
        if previous.text.rstrip().endswith(":"):
            cues.append("__after_colon")
        if "?" in previous.text:
            cues.append("__after_q")
        if previous.text.rstrip().endswith("!"):
            cues.append("__after_bang")
        first_words = previous.text.lower().split()[:3]
        cues.extend(f"__prev_{w}" for w in first_words)
    return " ".join([*words, *cues])


def describe_all(text: str, kind: str) -> tuple[list[Segment], list[str]]:
    found = segments(text)
    total = len(found)
    described = [
        describe(segment, found[i - 1] if i else None, i, total, kind)
        for i, segment in enumerate(found)
    ]
    return found, described


def split_questions(text: str, start: int) -> list[tuple[int, int]]:
    """Spans of the questions inside one asking sentence (usually just one)."""
    cuts = [m for m in _SECOND_QUESTION.finditer(text) if m.start() > 8]
    spans, cursor = [], 0
    for match in cuts:
        spans.append((cursor, match.start()))
        cursor = match.end()
    spans.append((cursor, len(text)))
    kept = [(a, b) for a, b in spans if len(_WORD.findall(text[a:b])) >= 2]
    if len(kept) < 2:
        return [(start, start + len(text))]
    return [(start + a, start + b) for a, b in kept]


class AskModel:
    def __init__(self, pipeline: Pipeline, version: str, threshold: float = THRESHOLD) -> None:
        self.pipeline = pipeline
        self.version = version
        self.threshold = threshold
        self.linear = LinearText(pipeline)

    def find(self, text: str, kind: str = "") -> list[Ask]:
        found, described = describe_all(text, kind)
        if not found:
            return []
        scores = self.linear.probabilities_of(described)[:, 1]
        asks = []
        for segment, score in zip(found, scores, strict=True):
            if score < self.threshold:
                continue
            for start, end in split_questions(segment.text, segment.start):
                asks.append(Ask(text[start:end], start, end, round(float(score), 3)))
        return asks


def train_asks(
    described: Sequence[str], labels: Sequence[int], version: str, threshold: float = THRESHOLD
) -> AskModel:
    # "?" is a token of its own: the strongest single sign of a question.
    pipeline = words_and_characters(
        words=(1, 3), characters=(3, 4), c=4.0, token_pattern=r"(?u)\b\w+\b|\?"
    )
    pipeline.fit(list(described), list(labels))
    return AskModel(pipeline, version, threshold)
