"""The understanding data: valid labels, and a dev set kept apart from the training set."""

from __future__ import annotations

import re

import pytest

from answerdesk.nlp.dataset import DEV, KINDS, DatasetError, parse_line, read_dir, training_examples


def _runs(text: str, n: int) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def test_every_kind_in_both_languages_in_training_and_dev():
    for examples in (training_examples(), read_dir(DEV)):
        assert {(e.language, e.kind) for e in examples} == {
            (language, kind) for language in ("fr", "en") for kind in KINDS
        }


def _own_words(body: str) -> str:
    # Legal disclaimers ("This email and any attachments are confidential…") recur word for
    # word in real mail, as they do in both sets; everything else must not.
    return "\n".join(line for line in body.splitlines() if "confidenti" not in line.lower())


def test_no_dev_email_copies_a_training_email():
    seen = set().union(*(_runs(_own_words(e.body), 20) for e in training_examples()))
    copied = [e.id for e in read_dir(DEV) if _runs(_own_words(e.body), 20) & seen]
    assert copied == []


@pytest.mark.parametrize(
    ("line", "complaint"),
    [
        ("{", "not JSON"),
        ('{"id": "x"}', "missing"),
        ('{"id":"x","language":"de","kind":"other","subject":"","body":"","asks":[]}', "language"),
        ('{"id":"x","language":"fr","kind":"spam","subject":"","body":"","asks":[]}', "kind"),
        (
            '{"id":"x","language":"fr","kind":"other","subject":"","body":"a","asks":["b"]}',
            "not found",
        ),
    ],
)
def test_a_bad_line_is_named_with_its_place(line, complaint):
    with pytest.raises(DatasetError, match=complaint):
        parse_line(line, "file.jsonl:3")
