"""The acknowledgement quotes each ask that has a confident FAQ answer."""

from __future__ import annotations

import email
from email import policy

import pytest

from answerdesk.knowledge.actions import ArticleFileError, load_articles, suggest
from answerdesk.knowledge.models import Article
from answerdesk.mail.actions import do_accept, do_process
from answerdesk.mail.models import OutboundMessage, SupportAddress
from answerdesk.mail.tests.mails import make_mail
from answerdesk.tickets.management.commands.demo import DEMO_FAQ
from answerdesk.tickets.models import Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(db):
    SupportAddress.objects.create(email="support@answerdesk.test")
    load_articles(DEMO_FAQ)


def acknowledgement_text() -> str:
    data = bytes(OutboundMessage.objects.get().data)
    part = email.message_from_bytes(data, policy=policy.default).get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def test_the_demo_faq_has_every_topic_in_both_languages(desk):
    assert Article.objects.filter(language="fr").count() == 16
    assert Article.objects.filter(language="en").count() == 16


def test_a_french_ask_finds_the_french_article_and_the_customer_reads_it(desk, blob_store):
    body = (
        "Bonjour,\r\nJe voudrais commander le lampadaire Orion.\r\n"
        "Sous combien de jours la commande arrive-t-elle en Belgique ?\r\nMerci,\r\nLéa\r\n"
    )
    mail = make_mail(message_id="faq1@example.fr", subject="Lampadaire Orion", body=body)
    do_process(do_accept([("smtp:192.0.2.1", mail)]).pending, store=blob_store)

    message = Message.objects.get(direction=Message.Direction.INBOUND)
    assert [a["text"] for a in message.asks] == [
        "Sous combien de jours la commande arrive-t-elle en Belgique ?"
    ]
    text = acknowledgement_text()
    delivery = Article.objects.get(language="fr", slug="delais-de-livraison")
    assert (
        "Vous demandez : « Sous combien de jours la commande arrive-t-elle en Belgique ? »" in text
    )
    assert delivery.answer[:60] in text
    assert delivery.url in text


def test_an_english_ask_finds_a_french_only_article(db):
    Article.objects.create(
        slug="carte-cadeau",
        language="fr",
        title="Cartes cadeaux",
        question="Comment offrir une carte cadeau ?",
        answer="Nos cartes cadeaux vont de 25 à 500 euros et sont valables un an.",
    )
    [found] = suggest(["How can I buy a gift card for my sister?"])
    assert found[0].article.slug == "carte-cadeau"
    assert found[0].suggestion.confident


def test_no_confident_answer_no_quote(desk, blob_store):
    body = "Hello,\r\nWho founded your company, and in which year?\r\nBest,\r\nTom\r\n"
    mail = make_mail(message_id="faq2@example.com", subject="History", body=body)
    do_process(do_accept([("smtp:192.0.2.1", mail)]).pending, store=blob_store)

    text = acknowledgement_text()
    assert "You asked" not in text
    assert "We have received your message" in text


def test_an_ask_between_two_topics_is_left_to_the_agent(desk):
    # Delivery times and delivery countries both speak of Belgium: quoting either could
    # answer beside the point, so neither is quoted, though both are suggested.
    [found] = suggest(["Quels sont les délais de livraison pour la Belgique ?"])
    assert {f.article.topic for f in found[:2]} == {
        "delivery-times",
        "delivery-costs-and-countries",
    }
    assert not any(f.suggestion.confident for f in found)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "Expecting property name"),
        ('{"slug": "x"}', "expected a JSON list of articles"),
        (
            '[{"slug": "a", "language": "fr", "title": "T", "question": "Q", "answer": "A"}, '
            '{"slug": "b", "language": "en"}]',
            "article 2 lacks title, question, answer",
        ),
        ('["just text"]', "article 1 lacks slug"),
    ],
)
def test_a_broken_article_file_is_refused_whole_with_the_reason(db, tmp_path, content, message):
    path = tmp_path / "faq.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ArticleFileError, match=message):
        load_articles(path)
    assert not Article.objects.exists()
