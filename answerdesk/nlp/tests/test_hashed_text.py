"""Hashed n-grams: what counts as the same n-gram, and what never crosses a boundary."""

from __future__ import annotations

import re

import numpy as np

from answerdesk.nlp.hashed_text import HashedNgrams, character_ngrams, word_ngrams

WORDS = re.compile(r"(?u)\b\w\w+\b")


def columns(rows_and_columns: tuple[np.ndarray, np.ndarray]) -> list[int]:
    return sorted(rows_and_columns[1].tolist())


def test_accents_and_case_do_not_matter():
    assert columns(character_ngrams(["Déjà REMBOURSÉ"], (3, 5), 20)) == columns(
        character_ngrams(["deja rembourse"], (3, 5), 20)
    )
    assert columns(word_ngrams(["Où est-il ?"], (1, 2), 20, WORDS)) == columns(
        word_ngrams(["ou est-il"], (1, 2), 20, WORDS)
    )


def test_character_ngrams_stay_inside_words_and_inside_documents():
    # " ab " gives " ab", "ab ", " ab " for sizes 3-4; two words give only their own.
    assert len(character_ngrams([" ab "], (3, 4), 20)[0]) == 3
    two_words = character_ngrams(["ab cd"], (3, 4), 20)
    assert len(two_words[0]) == 6
    both = character_ngrams(["ab", "cd"], (3, 4), 20)
    assert sorted(both[0].tolist()) == [0, 0, 0, 1, 1, 1]
    assert columns(both) == columns(two_words)


def test_word_ngrams_do_not_join_two_documents():
    rows, _ = word_ngrams(["bonjour madame", "merci beaucoup"], (2, 2), 20, WORDS)
    assert sorted(rows.tolist()) == [0, 1]


def test_fitting_keeps_columns_seen_often_enough():
    ngrams = HashedNgrams("word", (1, 1), min_df=2).fit(["remboursement svp", "remboursement"])
    matrix = ngrams.transform(["remboursement svp merci"])
    assert ngrams.size_ == 1  # "svp" was seen once, "merci" never
    assert matrix.shape == (1, 1)
    assert matrix.toarray().tolist() == [[1.0]]
