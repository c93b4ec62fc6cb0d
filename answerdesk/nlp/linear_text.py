"""Run a trained TF-IDF + logistic regression pipeline on one message in microseconds.

scikit-learn's `predict_proba` pays about a millisecond of validation and sparse-matrix
set-up per call, whatever the input size; live mail arrives one message at a time. This
computes the same numbers from the fitted vocabularies, IDF weights and coefficients with a
dictionary lookup per n-gram (tests check it agrees with scikit-learn).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline, make_pipeline


@dataclass(frozen=True, slots=True)
class _Part:
    analyze: Callable[[str], list[str]]
    vocabulary: dict[str, int]
    idf: NDArray[np.float64]
    weights: NDArray[np.float64]  # (terms, outputs)
    sublinear: bool


class LinearText:
    """The probabilities of `pipeline` (a TfidfVectorizer or a FeatureUnion of them, then a
    LogisticRegression) for each class, one document at a time."""

    def __init__(self, pipeline: Pipeline) -> None:
        features, classifier = pipeline.steps[0][1], pipeline.steps[-1][1]
        assert isinstance(classifier, LogisticRegression)
        vectorizers = (
            [v for _, v in features.transformer_list]
            if isinstance(features, FeatureUnion)
            else [features]
        )
        self.pipeline = pipeline
        self.classes: tuple[str, ...] = tuple(str(c) for c in classifier.classes_)
        self._intercept = np.asarray(classifier.intercept_, dtype=np.float64)
        coefficients = np.asarray(classifier.coef_, dtype=np.float64)
        parts, offset = [], 0
        for vectorizer in vectorizers:
            assert isinstance(vectorizer, TfidfVectorizer)
            assert vectorizer.norm == "l2"
            size = len(vectorizer.vocabulary_)
            parts.append(
                _Part(
                    analyze=vectorizer.build_analyzer(),
                    vocabulary=dict(vectorizer.vocabulary_),
                    idf=np.asarray(vectorizer.idf_, dtype=np.float64),
                    weights=np.ascontiguousarray(coefficients[:, offset : offset + size].T),
                    sublinear=bool(vectorizer.sublinear_tf),
                )
            )
            offset += size
        self._parts = tuple(parts)

    def _decision(self, document: str) -> NDArray[np.float64]:
        total = self._intercept.copy()
        for part in self._parts:
            vocabulary = part.vocabulary
            counts = Counter(
                index
                for term in part.analyze(document)
                if (index := vocabulary.get(term)) is not None
            )
            if not counts:
                continue
            indices = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
            tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
            if part.sublinear:
                tf = np.log(tf) + 1.0
            values = tf * part.idf[indices]
            values /= np.sqrt(values @ values)
            total += values @ part.weights[indices]
        return total

    def probabilities(self, document: str) -> NDArray[np.float64]:
        decision = self._decision(document)
        if len(self.classes) == 2:
            positive = 1.0 / (1.0 + np.exp(-decision[0]))
            return np.array([1.0 - positive, positive])
        exp = np.exp(decision - decision.max())
        return np.asarray(exp / exp.sum(), dtype=np.float64)


def words_and_characters(
    words: tuple[int, int],
    characters: tuple[int, int],
    c: float,
    token_pattern: str = r"(?u)\b\w\w+\b",
) -> Pipeline:
    """The shape every text model of the project has: word n-grams for meaning, character
    n-grams within words for typos, missing accents and SMS spelling, then a balanced
    logistic regression (what LinearText runs)."""
    return make_pipeline(
        FeatureUnion(
            [
                (
                    "words",
                    TfidfVectorizer(
                        ngram_range=words,
                        sublinear_tf=True,
                        strip_accents="unicode",
                        token_pattern=token_pattern,
                    ),
                ),
                (
                    "chars",
                    TfidfVectorizer(
                        analyzer="char_wb",
                        ngram_range=characters,
                        sublinear_tf=True,
                        strip_accents="unicode",
                        min_df=2,
                    ),
                ),
            ]
        ),
        LogisticRegression(C=c, max_iter=2000, class_weight="balanced"),
    )
