"""Acknowledgements: who gets one, what it says, and that two desks cannot loop."""

from __future__ import annotations

import email
from email import policy

import pytest
from django.conf import LazySettings

from answerdesk.blob_store import BlobStore
from answerdesk.mail.acknowledgement import AckFacts, AckPolicy, refusal
from answerdesk.mail.actions import do_accept, do_process
from answerdesk.mail.models import OutboundMessage, SupportAddress
from answerdesk.mail.tests.mails import make_mail
from answerdesk.tickets.models import Message, Ticket, TicketEvent

CUSTOMER = AckFacts(
    sender="marie@example.fr",
    flags=(),
    spam_score=0,
    ticket_is_new=True,
    our_addresses={"support@answerdesk.test"},
    acknowledged_last_hour=0,
)


@pytest.mark.parametrize(
    ("change", "because"),
    [
        ({"flags": ("auto_reply",)}, "automatic reply"),
        ({"flags": ("bounce",)}, "delivery failure"),
        ({"flags": ("mailing_list",)}, "mailing list"),
        ({"sender": "no-reply@shop.example"}, "no-reply"),
        ({"sender": "ne-pas-repondre@banque.example"}, "no-reply"),
        ({"sender": "MAILER-DAEMON@mx.example"}, "no-reply"),
        ({"sender": "support@answerdesk.test"}, "our own"),
        ({"spam_score": 5}, "spam"),
        ({"ticket_is_new": False}, "follow-up"),
        ({"acknowledged_last_hour": 3}, "already 3"),
        ({"imported": True}, "imported"),
        ({"sender": ""}, "no sender"),
    ],
)
def test_no_acknowledgement_and_the_reason(change, because):
    facts = AckFacts(**{**CUSTOMER.__dict__, **change})

    assert because in refusal(facts, AckPolicy())


def test_a_customer_with_a_new_question_is_acknowledged_and_follow_ups_can_be():
    assert refusal(CUSTOMER, AckPolicy()) == ""
    follow_up = AckFacts(**{**CUSTOMER.__dict__, "ticket_is_new": False})
    assert refusal(follow_up, AckPolicy(follow_ups=True)) == ""


pytestmark_db = pytest.mark.django_db


def receive(store: BlobStore, *mails: bytes, source: str = "smtp:192.0.2.1"):
    accepted = do_accept([(source, m) for m in mails])
    return do_process(accepted.pending, store=store)


@pytest.fixture
def support(db):
    SupportAddress.objects.create(email="support@answerdesk.test")


def the_acknowledgement() -> email.message.EmailMessage:
    outbound = OutboundMessage.objects.get()
    return email.message_from_bytes(bytes(outbound.data), policy=policy.default)


def test_a_french_customer_gets_a_french_acknowledgement_threaded_under_their_message(
    blob_store, support
):
    receive(blob_store, make_mail(message_id="q1@example.fr"))

    ticket, ack = Ticket.objects.get(), the_acknowledgement()
    assert ack["Subject"] == f"[{ticket.reference}] Nous avons bien reçu votre message"
    assert ack["From"] == "support@answerdesk.test"
    assert ack["To"] == "marie.dupont@example.fr"
    assert ack["In-Reply-To"] == "<q1@example.fr>"
    assert ack["Auto-Submitted"] == "auto-replied"
    body = ack.get_content()
    assert ticket.reference in body
    assert "sous 24 heures" in body
    assert "Bonjour Marie Dupont" in body
    assert ticket.events.filter(kind=TicketEvent.Kind.ACKNOWLEDGED).exists()
    # The acknowledgement is part of the thread: a reply to it joins the ticket.
    assert ticket.messages.filter(direction=Message.Direction.OUTBOUND).count() == 1


def test_an_english_customer_gets_an_english_acknowledgement_with_the_configured_promise(
    blob_store, support, settings: LazySettings
):
    settings.ANSWERDESK_ACK_PROMISE_HOURS = 8
    receive(
        blob_store,
        make_mail(
            message_id="q2@example.com",
            sender="John Smith <john@example.com>",
            subject="Delivery to Canada?",
            body="Hello, do you ship to Canada, and how long does it take? Thanks, John\r\n",
        ),
    )

    ack = the_acknowledgement()
    assert ack["Subject"].endswith("We have received your message")
    assert "within 8 hours" in ack.get_content()


def test_a_reply_to_the_acknowledgement_joins_the_ticket_and_is_not_acknowledged_again(
    blob_store, support
):
    receive(blob_store, make_mail(message_id="q3@example.fr"))
    ack_id = OutboundMessage.objects.get().message_id

    receive(blob_store, make_mail(message_id="q4@example.fr", in_reply_to=ack_id))

    assert Ticket.objects.count() == 1
    assert OutboundMessage.objects.count() == 1
    reason = TicketEvent.objects.get(kind=TicketEvent.Kind.NOT_ACKNOWLEDGED).reason
    assert "follow-up" in reason


def test_at_most_three_acknowledgements_per_sender_per_hour(blob_store, support):
    receive(
        blob_store,
        *[make_mail(message_id=f"r{i}@example.fr", subject=f"Question {i}") for i in range(5)],
    )

    assert Ticket.objects.count() == 5
    assert OutboundMessage.objects.count() == 3


def test_two_desks_answering_each_other_stop_at_once(blob_store, support):
    # Given our acknowledgement arrives at another answerdesk (or any RFC 3834 responder)
    receive(blob_store, make_mail(message_id="s1@example.fr"))
    sent = OutboundMessage.objects.get()
    # (the other desk has not stored it: give this copy a Message-ID of its own)
    ours = bytes(sent.data).replace(sent.message_id.encode(), b"copy@other-desk.test")

    # when that desk's pipeline receives it, as ours would receive its acknowledgement
    receive(blob_store, ours, source="smtp:198.51.100.9")

    # then it is recognised as an automatic reply and not acknowledged: no ping-pong.
    assert OutboundMessage.objects.count() == 1
    event = TicketEvent.objects.filter(kind=TicketEvent.Kind.NOT_ACKNOWLEDGED).get()
    assert "automatic reply" in event.reason


def test_imported_mail_is_never_acknowledged(blob_store, support):
    receive(blob_store, make_mail(message_id="old@example.fr"), source="import:/archive/1.eml")

    assert OutboundMessage.objects.count() == 0


def careless_autoresponder(acknowledgement: bytes, round_: int) -> bytes:
    """A responder that breaks every rule: no Auto-Submitted, no threading, a new subject."""
    to = email.message_from_bytes(acknowledgement)["From"]
    return (
        f"From: Robot <robot@vendor.example>\r\nTo: {to}\r\n"
        f"Subject: Your message (ticket {round_})\r\n"
        f"Message-ID: <robot-{round_}@vendor.example>\r\n"
        "Date: Mon, 16 Nov 2026 10:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        "Thank you for your email. We will get back to you.\r\n"
    ).encode()


def test_an_autoresponder_that_ignores_the_rules_is_stopped_by_the_hourly_limit(
    blob_store, support, settings: LazySettings
):
    settings.ANSWERDESK_ACK_FOLLOW_UPS = True  # the most permissive policy
    receive(blob_store, careless_autoresponder(b"From: support@answerdesk.test\r\n\r\n", 0))

    for round_ in range(1, 10):  # each acknowledgement answered by the robot, and so on
        last = OutboundMessage.objects.order_by("-pk").first()
        assert last is not None
        receive(blob_store, careless_autoresponder(bytes(last.data), round_))

    assert OutboundMessage.objects.count() == 3  # ANSWERDESK_ACK_MAX_PER_HOUR
    stopped = TicketEvent.objects.filter(kind=TicketEvent.Kind.NOT_ACKNOWLEDGED)
    assert stopped.count() == 7
    assert all("already 3 acknowledgements" in e.reason for e in stopped)


def test_spam_words_tip_the_score():
    spammy = AckFacts(**{**CUSTOMER.__dict__, "text_spam_probability": 0.97})
    doubtful = AckFacts(**{**CUSTOMER.__dict__, "text_spam_probability": 0.3})

    assert "with the words" in refusal(spammy, AckPolicy())
    assert refusal(doubtful, AckPolicy()) == ""


def test_a_live_spam_opens_a_ticket_but_gets_no_acknowledgement(blob_store, support):
    receive(
        blob_store,
        make_mail(
            message_id="seo@spam.example",
            sender="Growth Team <growth@seo-boost.example>",
            subject="Page 1 on Google GUARANTEED",
            body="Dear website owner, we sell 500 premium backlinks and guarantee first page "
            "ranking in 7 days for only 99$!!! Reply YES now, limited offer, unsubscribe "
            "by replying STOP.\r\n",
        ),
    )

    assert Ticket.objects.count() == 1
    assert OutboundMessage.objects.count() == 0
    assert "spam" in TicketEvent.objects.get(kind=TicketEvent.Kind.NOT_ACKNOWLEDGED).reason
