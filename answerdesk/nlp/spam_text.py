"""How likely a message's words are spam: a small classifier trained from the project's data.

Trained at first use from data/spam/train.jsonl, hand-written for the project in French and
English (about 50 ms); data/spam/dev.jsonl is kept apart for evaluation (bench/spam_eval.py)
and never read here. No network, no downloaded model.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from answerdesk.nlp.linear_text import LinearText, ngram_counts

TRAINING_DATA = Path(__file__).parent / "data" / "spam" / "train.jsonl"
MODEL_VERSION = "spam-text-1"
# Long messages add nothing to the verdict and cost time; spam shows itself early.
_SAMPLE_CHARS = 600


def _document(subject: str, text: str) -> str:
    return f"{subject}\n{text[:_SAMPLE_CHARS]}"


def read_examples(path: Path) -> tuple[list[str], list[int]]:
    documents, labels = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            example = json.loads(line)
            documents.append(_document(example["subject"], example["text"]))
            labels.append(1 if example["label"] == "spam" else 0)
    return documents, labels


def train(documents: list[str], labels: list[int]) -> Pipeline:
    # Character n-grams within words: robust to the obfuscations spam uses ("V1agra"), to
    # French and English alike, and to spelling mistakes in genuine customer mail.
    classifier = LogisticRegression(C=4.0, max_iter=1000, class_weight="balanced")
    steps = [*ngram_counts("char_wb", (2, 4)).steps, ("classifier", classifier)]
    return Pipeline(steps).fit(documents, labels)


@cache
def _model() -> LinearText:
    return LinearText(train(*read_examples(TRAINING_DATA)))


def spam_probability(subject: str, text: str) -> float:
    """From 0 (a customer) to 1 (spam)."""
    return round(float(_model().probabilities(_document(subject, text))[1]), 4)
