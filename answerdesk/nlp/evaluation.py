"""Scoring predicted asks against labelled ones: the rule bench/nlp_eval.py applies.

A predicted ask matches a labelled one when they cover mostly the same words: the words they
share are at least half of each. Each labelled ask matches at most one prediction.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_WORD = re.compile(r"\w+", re.UNICODE)
MIN_OVERLAP = 0.5


@dataclass(frozen=True, slots=True)
class AskCounts:
    predicted: int
    labelled: int
    matched: int


def _words(text: str, start: int, end: int) -> set[int]:
    return {m.start() for m in _WORD.finditer(text) if m.start() < end and m.end() > start}


def overlap(text: str, a: tuple[int, int], b: tuple[int, int]) -> float:
    words_a, words_b = _words(text, *a), _words(text, *b)
    if not words_a or not words_b:
        return 0.0
    return len(words_a & words_b) / max(len(words_a), len(words_b))


def match_asks(
    text: str, predicted: Sequence[tuple[int, int]], labelled: Sequence[tuple[int, int]]
) -> AskCounts:
    pairs = sorted(
        (
            (overlap(text, p, g), i, j)
            for i, p in enumerate(predicted)
            for j, g in enumerate(labelled)
        ),
        reverse=True,
    )
    used_p: set[int] = set()
    used_g: set[int] = set()
    for score, i, j in pairs:
        if score < MIN_OVERLAP:
            break
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
    return AskCounts(len(predicted), len(labelled), len(used_p))
