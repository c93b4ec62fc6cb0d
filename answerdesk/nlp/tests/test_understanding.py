"""Reading a message: its kind and every distinct thing it asks, with spans."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from answerdesk.nlp.asks import split_questions
from answerdesk.nlp.understanding import bundled_reader


def asks_of(text: str, subject: str = "") -> list[str]:
    return [a.text for a in bundled_reader().read(subject, text).asks]


def test_two_questions_are_two_asks_with_their_spans():
    text = "Bonjour,\nQuel est le prix de la lampe Orion ? Vous livrez en Belgique ?\nMerci"
    understanding = bundled_reader().read("Lampe Orion", text)

    assert [text[a.start : a.end] for a in understanding.asks] == [
        "Quel est le prix de la lampe Orion ?",
        "Vous livrez en Belgique ?",
    ]
    assert understanding.kind == "sales_inquiry"
    assert understanding.language == "fr"
    assert understanding.model_version


def test_each_item_of_a_numbered_list_is_an_ask():
    text = (
        "Hello,\nBefore ordering I have a few questions:\n"
        "1. Do you deliver to Switzerland?\n2. How much is shipping?\n"
        "3. Can I pay in three instalments?\nThanks"
    )
    assert asks_of(text) == [
        "Do you deliver to Switzerland?",
        "How much is shipping?",
        "Can I pay in three instalments?",
    ]


def test_an_indirect_request_is_an_ask_and_a_formula_is_not():
    text = (
        "Bonjour,\nJ'ai commandé un canapé le 3 mars.\n"
        "Merci de m'indiquer la date de livraison prévue.\n"
        "Merci d'avance pour votre réponse.\nCordialement,\nPaul"
    )
    assert asks_of(text) == ["Merci de m'indiquer la date de livraison prévue."]


def test_a_venting_question_is_not_an_ask():
    text = (
        "Three weeks and still no parcel. Is this how you treat customers? I want a refund today."
    )
    assert asks_of(text) == ["I want a refund today."]


def test_spam_has_no_asks():
    understanding = bundled_reader().read(
        "You won!", "Congratulations! Would you like to claim your prize?", spam=True
    )
    assert understanding.asks == []
    assert understanding.kind == "other"


def test_a_question_joining_two_questions_is_cut_in_two():
    text = "What is the price of the Orion lamp and when can you deliver it?"
    assert [text[a:b] for a, b in split_questions(text, 0)] == [
        "What is the price of the Orion lamp",
        "when can you deliver it?",
    ]


def test_kinds_in_both_languages():
    reader = bundled_reader()
    assert reader.read(
        "Candidature",
        "Je vous adresse ma candidature pour un stage "
        "de six mois en marketing à partir de mars. CV ci-joint.",
    ).kind == ("job_application")
    assert (
        reader.read(
            "Login", "I can't log in to my account, the reset link gives an error 500."
        ).kind
        == "technical_problem"
    )


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=500), st.text(max_size=50))
def test_any_text_is_read_and_spans_point_into_it(text, subject):
    understanding = bundled_reader().read(subject, text)
    for ask in understanding.asks:
        assert text[ask.start : ask.end] == ask.text
        assert ask.text.strip()
