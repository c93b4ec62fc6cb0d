"""Language: French or English from a few words, nothing from no words."""

from __future__ import annotations

import pytest

from answerdesk.nlp.language import detect_language


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Bonjour, ma commande n'est toujours pas arrivée, pouvez-vous vérifier ?", "fr"),
        ("slt jai pas recu mon colis tjr rien", "fr"),
        ("Hi there, my order still hasn't arrived. Could you check please?", "en"),
        ("hey where is my parcel?? been 2 weeks", "en"),
    ],
)
def test_french_and_english_are_told_apart(text, code):
    guess = detect_language(text)

    assert guess.code == code
    assert guess.confidence > 0.5


def test_no_words_no_language():
    assert detect_language("  12345 !!! ").code == ""


@pytest.mark.parametrize(
    "text",
    [
        "Guten Tag, wann wird meine Bestellung geliefert? Vielen Dank.",
        "Hola, ¿cuánto cuesta el envío a Madrid? Gracias.",
        "Goedendag, wanneer wordt mijn bestelling geleverd?",
    ],
)
def test_other_languages_are_other(text):
    assert detect_language(text).code == "other"


@pytest.mark.parametrize(("text", "code"), [("merci bien reçu", "fr"), ("pls refund asap", "en")])
def test_short_french_and_english_stay_french_and_english(text, code):
    assert detect_language(text).code == code
