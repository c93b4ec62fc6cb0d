"""The spam text classifier: trained on the training file only, and sensible on new text."""

from __future__ import annotations

import json
import re

from answerdesk.mail.spam import TEXT_LIKELY, TEXT_SURE
from answerdesk.nlp.spam_text import TRAINING_DATA, spam_probability

DEV = TRAINING_DATA.with_name("dev.jsonl")


def shingles(text: str, n: int = 6) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def test_the_dev_set_shares_no_six_word_sequence_with_the_training_set():
    train = [json.loads(line)["text"] for line in TRAINING_DATA.read_text().splitlines() if line]
    dev = [json.loads(line)["text"] for line in DEV.read_text().splitlines() if line]
    seen = set().union(*(shingles(t) for t in train))

    assert [t for t in dev if shingles(t) & seen] == []


def test_obvious_spam_scores_high_and_a_worried_customer_low():
    spam = spam_probability(
        "Boost your ranking NOW",
        "Dear sir, we offer 500 high quality backlinks and guaranteed first page on Google "
        "for only 99$. Reply YES to get started, limited offer!!!",
    )
    customer = spam_probability(
        "Impossible de me connecter",
        "Bonjour, depuis hier je ne peux plus me connecter à mon compte, le mot de passe "
        "est refusé alors que je viens de le changer. Pouvez-vous m'aider ? Merci, Claire",
    )

    assert spam >= TEXT_SURE  # enough on its own to withhold the acknowledgement
    assert customer < TEXT_LIKELY
