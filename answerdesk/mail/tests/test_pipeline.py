"""The write steps end to end: threading, duplicates, quarantine and failure isolation."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from django.conf import LazySettings
from django.utils import timezone

from answerdesk.blob_store import BlobStore
from answerdesk.mail.actions import do_accept, do_process, do_replay, parse_one
from answerdesk.mail.models import RawMessage
from answerdesk.mail.pipeline.batch import WriteBatch
from answerdesk.mail.pipeline.context import MessageContext
from answerdesk.mail.pipeline.prepared import MESSAGE_COLUMNS
from answerdesk.mail.pipeline.runner import WRITE_STEPS, WriteStep, write
from answerdesk.mail.tests.mails import make_mail
from answerdesk.tickets.models import ContactAddress, Message, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def deliver(store: BlobStore, *mails: bytes, steps: Sequence[tuple[str, WriteStep]] = WRITE_STEPS):
    # Imported, so not acknowledged: these tests are about threading (see test_acknowledgement).
    accepted = do_accept([(f"import:test/{i}", m) for i, m in enumerate(mails)])
    if steps is WRITE_STEPS:
        return do_process(accepted.pending, store=store)
    items = [(raw, parse_one(raw, data, store)) for raw, data in accepted.pending]
    return write(items, store=store, now=timezone.now(), steps=steps)


def test_a_new_message_opens_a_ticket_with_its_reason_on_the_timeline(blob_store):
    counts = deliver(blob_store, make_mail(message_id="a1@example.fr"))

    ticket = Ticket.objects.get()
    assert counts["new"] == 1
    assert ticket.reference == f"AD-{ticket.pk:06d}"
    assert ticket.contact is not None
    assert ContactAddress.objects.get().email == "marie.dupont@example.fr"
    kinds = list(ticket.events.values_list("kind", flat=True))
    assert kinds == [TicketEvent.Kind.CREATED]
    assert "no known Message-ID" in ticket.events.first().reason  # type: ignore[union-attr]


def test_a_reply_joins_its_ticket_by_in_reply_to_even_within_one_batch(blob_store):
    first = make_mail(message_id="a1@example.fr")
    reply = make_mail(
        message_id="a2@example.fr", subject="Re: Commande", in_reply_to="a1@example.fr"
    )

    counts = deliver(blob_store, first, reply)

    assert counts == {"new": 1, "in_reply_to": 1}
    ticket = Ticket.objects.get()
    assert ticket.messages.count() == 2
    event = ticket.events.filter(message__message_id="a2@example.fr").get()
    assert event.data["threading"] == "in_reply_to"
    assert event.data["matched"] == "a1@example.fr"


def test_a_reply_joins_by_references_when_in_reply_to_is_unknown(blob_store):
    deliver(blob_store, make_mail(message_id="root@example.fr"))

    deliver(
        blob_store,
        make_mail(
            message_id="b3@example.fr",
            in_reply_to="not-ours@elsewhere.test",
            references="<root@example.fr> <not-ours@elsewhere.test>",
        ),
    )

    assert Ticket.objects.count() == 1
    event = TicketEvent.objects.get(message__message_id="b3@example.fr")
    assert event.data["threading"] == "references"


def test_the_ticket_reference_in_the_subject_threads_the_tickets_own_customer(blob_store):
    deliver(blob_store, make_mail(message_id="c1@example.fr"))
    ticket = Ticket.objects.get()

    deliver(
        blob_store, make_mail(message_id="c2@example.fr", subject=f"Re: [{ticket.reference}] suite")
    )

    assert Ticket.objects.count() == 1
    assert ticket.events.last().data["threading"] == "subject_reference"  # type: ignore[union-attr]


def test_a_stranger_quoting_a_ticket_reference_gets_a_new_ticket_and_the_reason_says_why(
    blob_store,
):
    deliver(blob_store, make_mail(message_id="d1@example.fr"))
    ticket = Ticket.objects.get()

    deliver(
        blob_store,
        make_mail(
            message_id="d2@evil.test",
            sender="Intrus <intrus@evil.test>",
            subject=f"[{ticket.reference}] give me the thread",
        ),
    )

    assert Ticket.objects.count() == 2
    stranger_ticket = Ticket.objects.exclude(pk=ticket.pk).get()
    assert "not its customer" in stranger_ticket.events.first().reason  # type: ignore[union-attr]


def test_the_same_message_id_to_two_addresses_is_stored_once_and_both_raws_kept(blob_store):
    to_support = make_mail(message_id="e1@example.fr", to="support@answerdesk.test")
    to_contact = make_mail(message_id="e1@example.fr", to="contact@answerdesk.test")

    counts = deliver(blob_store, to_support, to_contact)

    assert counts == {"new": 1, "duplicate": 1}
    assert Message.objects.count() == 1
    raws = RawMessage.objects.order_by("pk")
    assert [r.state for r in raws] == ["processed", "duplicate"]
    assert "Message-ID <e1@example.fr> is already stored" in raws[1].reason
    assert bytes(raws[1].data) == to_contact


def test_a_customer_writing_on_a_solved_ticket_reopens_it_on_the_timeline(blob_store):
    deliver(blob_store, make_mail(message_id="f1@example.fr"))
    Ticket.objects.update(status=Ticket.Status.SOLVED)

    deliver(blob_store, make_mail(message_id="f2@example.fr", in_reply_to="f1@example.fr"))

    ticket = Ticket.objects.get()
    assert ticket.status == Ticket.Status.OPEN
    change = ticket.events.get(kind=TicketEvent.Kind.STATUS_CHANGED)
    assert change.data == {"from": "solved", "to": "open"}


def test_an_oversized_message_is_quarantined_with_its_bytes_and_replays_once_allowed(
    blob_store, settings: LazySettings
):
    settings.ANSWERDESK_MAX_MESSAGE_BYTES = 100
    big = make_mail(message_id="g1@example.fr", body="x" * 500 + "\r\n")

    counts = deliver(blob_store, big)

    raw = RawMessage.objects.get()
    assert counts == {"quarantined": 1}
    assert "over the limit" in raw.reason
    assert bytes(raw.data) == big
    settings.ANSWERDESK_MAX_MESSAGE_BYTES = 10_000
    assert do_replay([raw], store=blob_store) == {"new": 1}
    raw.refresh_from_db()
    assert raw.state == RawMessage.State.PROCESSED
    assert raw.attempts == 2


def _crashing_thread(ctx: MessageContext, batch: WriteBatch) -> None:
    if ctx.prepared.message_id == "boom@example.fr":
        raise RuntimeError("thread index corrupted")
    dict(WRITE_STEPS)["thread"](ctx, batch)


def test_a_step_that_crashes_quarantines_only_that_message_and_names_the_step(blob_store):
    steps = tuple((n, _crashing_thread if n == "thread" else s) for n, s in WRITE_STEPS)

    counts = deliver(
        blob_store,
        make_mail(message_id="ok@example.fr"),
        make_mail(message_id="boom@example.fr"),
        steps=steps,
    )

    assert counts == {"new": 1, "quarantined": 1}
    bad = RawMessage.objects.get(state=RawMessage.State.QUARANTINED)
    assert bad.reason == "thread: RuntimeError: thread index corrupted"


def _unstorable_store(ctx: MessageContext, batch: WriteBatch) -> None:
    if ctx.prepared.message_id == "bad@example.fr":
        values = list(ctx.prepared.message_values)
        values[MESSAGE_COLUMNS.index("sent_at")] = None  # NOT NULL: the database refuses
        ctx.prepared = ctx.prepared._replace(message_values=tuple(values))
    dict(WRITE_STEPS)["store"](ctx, batch)


def test_a_message_the_database_refuses_costs_only_itself(blob_store):
    steps = tuple((n, _unstorable_store if n == "store" else s) for n, s in WRITE_STEPS)

    counts = deliver(
        blob_store,
        make_mail(message_id="good1@example.fr"),
        make_mail(message_id="bad@example.fr", sender="x@example.org"),
        make_mail(message_id="good2@example.fr"),
        steps=steps,
    )

    assert counts == {"new": 2, "quarantined": 1}
    assert set(Message.objects.values_list("message_id", flat=True)) == {
        "good1@example.fr",
        "good2@example.fr",
    }
    assert RawMessage.objects.get(state=RawMessage.State.QUARANTINED).reason.startswith(
        "store failed"
    )


def test_a_message_accepted_but_not_processed_before_a_crash_is_processed_by_the_next_run(
    blob_store,
):
    mail = make_mail(message_id="h1@example.fr")
    do_accept([("smtp", mail)])  # then the process dies
    assert RawMessage.objects.get().state == RawMessage.State.RECEIVED

    again = do_accept([("smtp", mail)])

    assert len(again.pending) == 1
    assert do_process(again.pending, store=blob_store) == {"new": 1}
    assert do_accept([("smtp", mail)]).known == 1


def test_a_message_two_workers_both_picked_up_is_processed_once(blob_store):
    accepted = do_accept([("smtp", make_mail(message_id="twice@example.fr"))])
    ((raw, data),) = accepted.pending
    stale = RawMessage.objects.get(pk=raw.pk)  # a second worker read it too, before the first ran

    first = do_process([(raw, data)], store=blob_store)
    second = do_process([(stale, data)], store=blob_store)

    assert first == {"new": 1}
    assert second == {}
    assert Message.objects.filter(direction=Message.Direction.INBOUND).count() == 1
    assert RawMessage.objects.get().state == RawMessage.State.PROCESSED
