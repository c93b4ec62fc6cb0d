"""The index cache: rebuilt when an article changes, re-encoding only what changed."""

from __future__ import annotations

import numpy as np
import pytest

from answerdesk.knowledge.index import ReusingEmbedder, current_index
from answerdesk.knowledge.models import Article
from answerdesk.nlp.suggest import Article as IndexedArticle
from answerdesk.nlp.suggest import SuggestionIndex


class CountingEmbedder:
    """A stand-in encoder: a vector from each text's letters, and a log of what it encoded."""

    def __init__(self) -> None:
        self.encoded: list[str] = []

    def encode(self, texts: list[str]):
        self.encoded += texts
        vectors = np.zeros((len(texts), 26), dtype=np.float32)
        for row, text in enumerate(texts):
            for letter in text.lower():
                if "a" <= letter <= "z":
                    vectors[row, ord(letter) - ord("a")] += 1
        return vectors


def articles(answer_of_second: str) -> list[IndexedArticle]:
    return [
        IndexedArticle(1, "en", "Delivery", "How long is delivery?", "Two to four days."),
        IndexedArticle(2, "en", "Refunds", "When am I refunded?", answer_of_second),
    ]


def test_a_rebuild_encodes_only_the_changed_article():
    inner = CountingEmbedder()
    first = ReusingEmbedder(inner, {})
    SuggestionIndex(articles("Within five days."), first)
    remembered = first.finish()
    inner.encoded.clear()

    second = ReusingEmbedder(inner, remembered)
    index = SuggestionIndex(articles("Within ten working days of receiving the parcel."), second)
    second.finish()

    assert inner.encoded  # the changed answer, as a whole and as a sentence
    assert all("ten working days" in text for text in inner.encoded)
    # The rebuilt index scores as a fresh one does.
    fresh = SuggestionIndex(
        articles("Within ten working days of receiving the parcel."), CountingEmbedder()
    )
    assert index.suggest(["refund delay"]) == fresh.suggest(["refund delay"])


def test_queries_are_not_remembered():
    inner = CountingEmbedder()
    reusing = ReusingEmbedder(inner, {})
    index = SuggestionIndex(articles("Within five days."), reusing)
    remembered = reusing.finish()

    index.suggest(["where is my parcel?"])

    assert "where is my parcel?" not in remembered
    assert inner.encoded[-1] == "where is my parcel?"


@pytest.mark.django_db
def test_the_cached_index_follows_every_change(demo_faq):
    before = current_index()
    assert current_index() is before  # nothing changed: the same index

    article = Article.objects.get(language="en", slug="gift-cards")
    article.title = "Gift cards and vouchers"
    article.save()
    edited = current_index()
    assert edited is not before
    assert edited.articles[article.pk].title == "Gift cards and vouchers"

    Article.objects.filter(pk=article.pk).delete()
    assert article.pk not in current_index().articles
