"""Outbound delivery: retries with backoff, final failures on the timeline, a real SMTP peer."""

from __future__ import annotations

import datetime as dt
import email
from collections.abc import Sequence
from email import policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from answerdesk.mail.models import OutboundMessage
from answerdesk.mail.outbound import (
    BACKOFF,
    PermanentFailure,
    SmtpTransport,
    TemporaryFailure,
    compose,
    deliver_due,
)
from answerdesk.mail.tests.test_smtp_listener import free_port
from answerdesk.tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 16, 9, 0, tzinfo=dt.UTC)


class FakeTransport:
    def __init__(self, *failures: Exception) -> None:
        self.failures = list(failures)
        self.sent: list[tuple[str, list[str], bytes]] = []

    def send(self, mail_from: str, recipients: Sequence[str], data: bytes) -> None:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append((mail_from, list(recipients), data))


def queued(ticket: Ticket | None = None) -> OutboundMessage:
    composed = compose(
        mail_from="support@answerdesk.test",
        to="marie@example.fr",
        subject="[AD-000001] Réponse",
        body="Bonjour Marie,\nvoici la réponse.\n",
        domain="answerdesk.test",
        in_reply_to="q1@example.fr",
        references=["root@example.fr"],
        at=NOW,
    )
    return OutboundMessage.objects.create(
        ticket=ticket,
        kind=OutboundMessage.Kind.REPLY,
        mail_from="support@answerdesk.test",
        recipients=["marie@example.fr"],
        to_address="marie@example.fr",
        message_id=composed.message_id,
        data=composed.data,
        next_attempt_at=NOW,
    )


def test_composed_mail_carries_threading_headers():
    message = email.message_from_bytes(bytes(queued().data), policy=policy.default)

    assert message["In-Reply-To"] == "<q1@example.fr>"
    assert message["References"] == "<root@example.fr> <q1@example.fr>"
    assert message["Subject"] == "[AD-000001] Réponse"
    assert message["Auto-Submitted"] is None  # a person's reply is not automatic


def test_a_temporary_failure_is_retried_after_the_backoff_then_sent():
    outbound, transport = queued(), FakeTransport(TemporaryFailure("451 greylisted"))

    first = deliver_due(transport, now=NOW)
    outbound.refresh_from_db()
    too_early = deliver_due(transport, now=NOW + dt.timedelta(seconds=BACKOFF[0] - 1))
    later = deliver_due(transport, now=NOW + dt.timedelta(seconds=BACKOFF[0]))

    assert first == {"retry": 1}
    assert outbound.next_attempt_at == NOW + dt.timedelta(seconds=BACKOFF[0])
    assert too_early == {}
    assert later == {"sent": 1}
    assert len(transport.sent) == 1


def test_a_permanent_failure_shows_on_the_tickets_timeline():
    ticket = Ticket.objects.create(subject="Commande", channel="email")
    outbound = queued(ticket)

    counts = deliver_due(FakeTransport(PermanentFailure("550 no such user")), now=NOW)

    outbound.refresh_from_db()
    assert counts == {"failed": 1}
    assert outbound.state == OutboundMessage.State.FAILED
    event = ticket.events.get(kind=TicketEvent.Kind.DELIVERY_FAILED)
    assert "550 no such user" in event.reason


def test_temporary_failures_give_up_after_the_last_backoff():
    outbound = queued()
    transport = FakeTransport(*[TemporaryFailure("421 busy")] * (len(BACKOFF) + 1))
    at = NOW
    for _ in range(len(BACKOFF) + 1):
        deliver_due(transport, now=at)
        at += dt.timedelta(days=1)

    outbound.refresh_from_db()
    assert outbound.state == OutboundMessage.State.FAILED
    assert outbound.attempts == len(BACKOFF) + 1


class Sink:
    def __init__(self) -> None:
        self.received: list[Envelope] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.received.append(envelope)
        return "250 OK"


def test_delivery_through_a_real_smtp_peer():
    sink, port = Sink(), free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        queued()
        transport = SmtpTransport(host="127.0.0.1", port=port)
        counts = deliver_due(transport, now=NOW)
    finally:
        controller.stop()

    assert counts == {"sent": 1}
    [envelope] = sink.received
    assert envelope.rcpt_tos == ["marie@example.fr"]
    assert b"In-Reply-To: <q1@example.fr>" in (envelope.original_content or b"")
