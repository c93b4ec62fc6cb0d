"""Suggestions: the right article for an ask, across French and English."""

from __future__ import annotations

import pytest

from answerdesk.nlp.suggest import Article, SuggestionIndex, bundled_embedder

ENGLISH = [
    Article(
        1,
        "en",
        "Delivery times",
        "How long does delivery take?",
        "Orders arrive in 2 to 4 working days in France, 5 to 7 abroad.",
    ),
    Article(
        2,
        "en",
        "Returns",
        "How do I return an item?",
        "You have 30 days to send an item back, free of charge.",
    ),
    Article(
        3,
        "en",
        "Promo codes",
        "Why is my promo code refused?",
        "Codes apply once per customer and not on items already reduced.",
    ),
]
FRENCH = [
    Article(
        11,
        "fr",
        "Délais de livraison",
        "En combien de temps suis-je livré ?",
        "Les commandes arrivent en 2 à 4 jours ouvrés en France.",
    ),
    Article(
        12,
        "fr",
        "Retours",
        "Comment retourner un article ?",
        "Vous disposez de 30 jours pour renvoyer un article, gratuitement.",
    ),
    Article(
        13,
        "fr",
        "Codes promo",
        "Pourquoi mon code promo est-il refusé ?",
        "Un code ne s'utilise qu'une fois et pas sur les articles déjà soldés.",
    ),
]


@pytest.fixture(scope="module")
def embedder():
    return bundled_embedder()


@pytest.mark.parametrize(
    ("articles", "ask", "expected"),
    [
        (ENGLISH, "Sous combien de jours vais-je recevoir ma commande ?", 1),
        (ENGLISH, "je peux renvoyer le canapé s'il ne me plaît pas ?", 2),
        (ENGLISH, "mon code de réduction ne marche pas", 3),
        (FRENCH, "How many days until my parcel arrives?", 11),
        (FRENCH, "Can I send the lamp back?", 12),
        (FRENCH, "the discount code is rejected at checkout", 13),
        (FRENCH, "Pouvez-vous me dire quand je serai livré ?", 11),
    ],
)
def test_the_right_article_comes_first_in_either_language(embedder, articles, ask, expected):
    index = SuggestionIndex(articles, embedder)

    [found] = index.suggest([ask])

    assert found[0].key == expected
    assert found[0].score > found[1].score


def test_an_unrelated_ask_gets_no_confident_suggestion(embedder):
    index = SuggestionIndex(ENGLISH + FRENCH, embedder)

    [found] = index.suggest(["Quel est le nom de votre directeur financier ?"])

    assert not any(s.confident for s in found)


def test_no_articles_no_suggestions(embedder):
    assert SuggestionIndex([], embedder).suggest(["Do you ship to Canada?"]) == [[]]
