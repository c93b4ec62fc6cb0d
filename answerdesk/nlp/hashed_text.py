"""Word and character n-grams, hashed into a fixed number of columns with numpy.

The text models read a few hundred characters per message and per sentence. Building each
n-gram as a Python string and looking it up in a vocabulary cost about 1 µs an n-gram, so
7 ms for one generated customer email; here a batch of documents becomes one array of code
points and every n-gram a rolling hash computed by whole-array operations, whatever the
number of documents. Hashing needs no vocabulary: a collision merges two rare n-grams.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_matrix  # type: ignore[import-untyped]
from sklearn.base import BaseEstimator, TransformerMixin

# Odd 64-bit constants: the polynomial base of the rolling hash, and a multiplier per
# n-gram size so that "ab" as a bigram and as part of a trigram land in unrelated columns.
_BASE = np.uint64(0x100000001B3)
_MIX = tuple(np.uint64((0x9E3779B97F4A7C15 + 2 * n * 0x2545F4914F6CDD1D) % 2**64) for n in range(8))
_SPACE = 32

Rows = NDArray[np.int64]
Columns = NDArray[np.int64]


# Combining marks, removed after NFKD decomposition ("é" → "e"), as strip_accents does.
_ACCENTS = re.compile("[\u0300-\u036f]+")


def normalise(text: str) -> str:
    return _ACCENTS.sub("", unicodedata.normalize("NFKD", text.lower()))


# Array arithmetic on uint64 wraps around silently (modulo 2**64), which is what a rolling
# hash wants; numpy only warns about overflow on scalars.
def _bucket(hashes: NDArray[np.uint64], size: int, bits: int) -> Columns:
    return ((hashes * _MIX[size]) >> np.uint64(64 - bits)).astype(np.int64)


def character_ngrams(
    documents: Sequence[str], sizes: tuple[int, int], bits: int
) -> tuple[Rows, Columns]:
    """(document, column) of every n-gram inside a word, words padded with a space on each
    side (scikit-learn's "char_wb"): typos, missing accents and SMS spelling still share
    most of their n-grams with the right spelling."""
    padded = [f" {' '.join(normalise(d).split())} " for d in documents]
    joined = "".join(padded)
    points = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    lengths = np.fromiter((len(p) for p in padded), dtype=np.int64, count=len(padded))
    owner = np.repeat(np.arange(len(padded), dtype=np.int64), lengths)
    spaces = np.concatenate(([0], np.cumsum(points == _SPACE)))
    rows, columns = [], []
    hashes = points
    for size in range(2, sizes[1] + 1):
        hashes = hashes[:-1] * _BASE + points[size - 1 :]
        if size < sizes[0]:
            continue
        count = len(hashes)
        # Inside one document, and no space strictly inside the n-gram (it stays in a word).
        keep = owner[:count] == owner[size - 1 :]
        keep &= spaces[size - 1 : count + size - 1] == spaces[1 : count + 1]
        rows.append(owner[:count][keep])
        columns.append(_bucket(hashes[keep], size, bits))
    return _joined(rows, columns)


def word_ngrams(
    documents: Sequence[str], sizes: tuple[int, int], bits: int, pattern: re.Pattern[str]
) -> tuple[Rows, Columns]:
    """(document, column) of every run of `sizes` consecutive tokens within a document."""
    tokens = [pattern.findall(normalise(d)) for d in documents]
    lengths = np.fromiter((len(t) for t in tokens), dtype=np.int64, count=len(tokens))
    owner = np.repeat(np.arange(len(tokens), dtype=np.int64), lengths)
    single = np.fromiter(
        (zlib.crc32(w.encode()) for words in tokens for w in words),
        dtype=np.uint64,
        count=int(lengths.sum()),
    )
    rows, columns = [], []
    hashes = single
    for size in range(1, sizes[1] + 1):
        if size > 1:
            hashes = hashes[:-1] * _BASE + single[size - 1 :]
        if size < sizes[0]:
            continue
        keep = owner[: len(hashes)] == owner[size - 1 :]
        rows.append(owner[: len(hashes)][keep])
        columns.append(_bucket(hashes[keep], size, bits))
    return _joined(rows, columns)


def _joined(rows: list[Rows], columns: list[Columns]) -> tuple[Rows, Columns]:
    if not rows:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(rows), np.concatenate(columns)


class HashedNgrams(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Counts of hashed word n-grams (analyzer="word") or character n-grams within words
    (analyzer="char_wb"), as a scikit-learn transformer so that pipelines train on it.

    Fitting keeps the hash columns seen in at least `min_df` training documents and numbers
    them densely, so that the model's weights take room for those only."""

    def __init__(
        self,
        analyzer: str = "word",
        ngram_range: tuple[int, int] = (1, 1),
        bits: int = 20,
        token_pattern: str = r"(?u)\b\w\w+\b",
        min_df: int = 1,
    ) -> None:
        self.analyzer = analyzer
        self.ngram_range = ngram_range
        self.bits = bits
        self.token_pattern = token_pattern
        self.min_df = min_df

    def _hashed(self, documents: Sequence[str]) -> tuple[Rows, Columns]:
        if self.analyzer == "char_wb":
            return character_ngrams(documents, self.ngram_range, self.bits)
        pattern = re.compile(self.token_pattern)
        return word_ngrams(documents, self.ngram_range, self.bits, pattern)

    def fit(self, documents: Sequence[str], labels: Any = None) -> HashedNgrams:
        rows, columns = self._hashed(list(documents))
        pairs = np.unique((rows << self.bits) | columns)
        seen, df = np.unique(pairs & ((1 << self.bits) - 1), return_counts=True)
        kept = seen[df >= self.min_df]
        self.columns_ = np.full(1 << self.bits, -1, dtype=np.int32)
        self.columns_[kept] = np.arange(len(kept), dtype=np.int32)
        self.size_ = len(kept)
        return self

    def cells(self, documents: Sequence[str]) -> tuple[Rows, Columns]:
        """(document, feature) for each kept n-gram occurrence, unsorted and repeated."""
        rows, columns = self._hashed(documents)
        features = self.columns_[columns].astype(np.int64)
        kept = features >= 0
        return rows[kept], features[kept]

    def transform(self, documents: Sequence[str]) -> csr_matrix:
        rows, columns = self.cells(list(documents))
        ones = np.ones(len(rows), dtype=np.float64)
        matrix = csr_matrix((ones, (rows, columns)), shape=(len(documents), self.size_))
        matrix.sum_duplicates()
        return matrix
