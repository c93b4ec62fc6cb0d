"""The completeness checker: clear cases, odd input, and evidence taken from the reply."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from answerdesk.nlp.completeness import MAX_REPLY_CHARS, bundled_checker

ASKS = [
    "Quand ma commande 4512 sera-t-elle livrée ?",
    "Puis-je payer en trois fois ?",
]


def test_a_reply_that_answers_both_asks_is_complete_with_its_evidence():
    reply = (
        "Bonjour Madame,\n\nVotre commande 4512 a été expédiée hier et sera livrée jeudi.\n"
        "Oui, le paiement en trois fois sans frais est possible dès 100 € d'achat.\n\n"
        "Bien cordialement,\nLe service client"
    )
    check = bundled_checker().check(ASKS, reply)
    assert [v.answered for v in check.verdicts] == [True, True]
    assert check.complete
    assert "sera livrée jeudi" in " ".join(check.verdicts[0].evidence)


def test_a_reply_that_forgets_the_second_ask_is_incomplete():
    reply = (
        "Bonjour,\n\nVotre commande 4512 a été expédiée hier et sera livrée jeudi.\n\n"
        "Cordialement,\nLe service client"
    )
    check = bundled_checker().check(ASKS, reply)
    assert [v.answered for v in check.verdicts] == [True, False]
    assert not check.complete
    assert check.verdicts[1].evidence == []


def test_a_deflection_answers_nothing_even_in_english():
    reply = (
        "Hello,\n\nThank you for contacting us. We have forwarded your request to the "
        "relevant department, who will get back to you.\n\nKind regards"
    )
    check = bundled_checker().check(ASKS, reply)
    assert [v.answered for v in check.verdicts] == [False, False]


def test_empty_huge_and_foreign_input_get_a_defined_answer():
    checker = bundled_checker()
    empty = checker.check(ASKS, "")
    assert [(v.answered, v.confidence) for v in empty.verdicts] == [(False, 1.0), (False, 1.0)]
    huge = checker.check(ASKS, "Votre commande arrive jeudi. " * 8000)  # about 230 KB
    assert huge.truncated
    assert len(huge.verdicts) == 2
    assert len(huge.verdicts[0].evidence) <= 2
    assert len(" ".join(huge.verdicts[0].evidence)) < MAX_REPLY_CHARS
    german = checker.check(
        ["Wann kommt meine Bestellung an?"], "Ihre Bestellung kommt am Donnerstag."
    )
    assert len(german.verdicts) == 1
    assert checker.check([], "Bonjour").verdicts == []


@settings(max_examples=25, deadline=None)
@given(
    asks=st.lists(st.text(max_size=80), max_size=5),
    reply=st.text(max_size=400),
)
def test_any_input_gets_one_verdict_per_ask_and_never_raises(asks, reply):
    check = bundled_checker().check(asks, reply)
    assert len(check.verdicts) == len([a for a in asks if a.strip()])
    for verdict in check.verdicts:
        assert 0.5 <= verdict.confidence <= 1.0
        assert all(sentence in reply for sentence in verdict.evidence)
