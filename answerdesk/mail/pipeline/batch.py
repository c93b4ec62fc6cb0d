"""One transaction's worth of ingest: a prefetched view of the database and the rows to write.

The write steps look things up here instead of querying per message, and add what they
create; flush() then saves everything with one executemany per table (bulk_rows.py). This
is what lets a batch import write thousands of messages a second, while a single message
(SMTP, retry) goes through exactly the same code as a batch of one.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.conf import settings
from django.db import connection
from django.db.models import Count

from answerdesk.blob_store import BlobStore
from answerdesk.bulk_rows import allocate_ids, build, insert_rows, insert_values, update_rows
from answerdesk.knowledge.actions import best_answer, suggest
from answerdesk.mail.acknowledgement import (
    DEFAULT_TEMPLATES,
    AckPolicy,
    QuotedAnswer,
    answers_block,
    promise,
    render,
    status_link_block,
)
from answerdesk.mail.models import (
    AcknowledgementTemplate,
    OutboundMessage,
    RawMessage,
    SupportAddress,
)
from answerdesk.mail.outbound import compose
from answerdesk.mail.pipeline.prepared import (
    ATTACHMENT_COLUMNS,
    MESSAGE_COLUMNS,
    PreparedMessage,
)
from answerdesk.sla.actions import SlaRules
from answerdesk.tickets import events
from answerdesk.tickets.models import (
    Attachment,
    Channel,
    Contact,
    ContactAddress,
    Message,
    Ticket,
    TicketEvent,
)
from answerdesk.tickets.routing import Router
from answerdesk.tickets.status_links import status_url

_Row = TypeVar("_Row", Contact, Ticket)


@dataclass(slots=True)
class KnownMessage:
    """A message the steps can thread onto: stored already, or new in this batch."""

    pk: int
    ticket: Ticket


@dataclass(slots=True)
class PendingMessage:
    pk: int
    ticket: Ticket
    sender: Contact | None
    prepared: PreparedMessage


@dataclass(slots=True)
class PendingAck:
    ticket: Ticket
    prepared: PreparedMessage
    mail_from: str


@dataclass
class WriteBatch:
    store: BlobStore
    now: dt.datetime
    ack_policy: AckPolicy = field(default_factory=AckPolicy)
    our_addresses: frozenset[str] = frozenset()
    router: Router | None = None  # read at the first new ticket of the batch
    sla: SlaRules | None = None  # likewise
    _acks_by_sender: Counter[str] = field(default_factory=Counter)
    _templates: dict[str, tuple[str, str]] = field(default_factory=dict)
    _pending_acks: list[PendingAck] = field(default_factory=list)
    _messages: dict[str, KnownMessage] = field(default_factory=dict)
    _contacts: dict[str, Contact] = field(default_factory=dict)
    _tickets: dict[int, Ticket] = field(default_factory=dict)
    _new_addresses: list[ContactAddress] = field(default_factory=list)
    _pending: list[PendingMessage] = field(default_factory=list)
    _events: list[TicketEvent] = field(default_factory=list)
    _touched: dict[int, Ticket] = field(default_factory=dict)
    _message_ids: Iterator[int] = field(default_factory=lambda: iter(()))

    # --- the view of the database --------------------------------------------------------
    def prefetch(self, prepared: list[PreparedMessage], ticket_ids: Iterable[int]) -> None:
        """Load, in a few queries, every row the steps may look up for these messages."""
        ids = {mid for p in prepared for mid in (p.message_id, *p.in_reply_to, *p.references)}
        known = Message.objects.filter(message_id__in=ids).values_list(
            "pk", "message_id", "ticket_id"
        )
        rows = list(known)
        tickets = Ticket.objects.in_bulk({ticket_id for _, _, ticket_id in rows} | set(ticket_ids))
        self._tickets.update(tickets)
        for pk, message_id, ticket_id in rows:
            self._messages[message_id] = KnownMessage(pk, tickets[ticket_id])
        emails = {p.from_email.lower() for p in prepared if p.from_email}
        for address in ContactAddress.objects.filter(email__in=emails).select_related("contact"):
            self._contacts[address.email] = address.contact
        # Message ids for the whole batch in one query; those of messages that turn out to
        # be duplicates are simply never used.
        self._message_ids = iter(allocate_ids(Message, len(prepared)))
        self._prefetch_acknowledgements({p.from_email.lower() for p in prepared})

    def _prefetch_acknowledgements(self, senders: set[str]) -> None:
        self.our_addresses = frozenset(
            SupportAddress.objects.filter(active=True).values_list("email", flat=True)
        )
        recent = (
            OutboundMessage.objects.filter(
                kind=OutboundMessage.Kind.ACKNOWLEDGEMENT,
                to_address__in=senders,
                created_at__gte=self.now - dt.timedelta(hours=1),
            )
            .values("to_address")
            .annotate(n=Count("id"))
        )
        self._acks_by_sender.update({row["to_address"]: row["n"] for row in recent})
        self._templates = dict(DEFAULT_TEMPLATES)
        for template in AcknowledgementTemplate.objects.all():
            self._templates[template.language] = (template.subject, template.body)

    def acknowledgements_to(self, sender: str) -> int:
        return self._acks_by_sender[sender.lower()]

    def message(self, message_id: str) -> KnownMessage | None:
        return self._messages.get(message_id)

    def ticket(self, ticket_id: int) -> Ticket | None:
        return self._tickets.get(ticket_id)

    def contact(self, email: str, name: str) -> Contact:
        """The contact who owns this address, made (unsaved) on first sight."""
        email = email.lower()
        contact = self._contacts.get(email)
        if contact is None:
            contact = build(Contact, name=name[:200], created_at=self.now)
            self._contacts[email] = contact
            self._new_addresses.append(build(ContactAddress, contact=contact, email=email[:320]))
        return contact

    # --- what the steps write ------------------------------------------------------------
    def add_message(self, ticket: Ticket, sender: Contact | None, prepared: PreparedMessage) -> int:
        """Queue a message for insertion; returns its id."""
        pk = next(self._message_ids)
        self._pending.append(PendingMessage(pk, ticket, sender, prepared))
        self._messages[prepared.message_id] = KnownMessage(pk, ticket)
        return pk

    def add_acknowledgement(self, ticket: Ticket, prepared: PreparedMessage) -> None:
        """Queue an acknowledgement; composed in flush(), once the ticket has its reference."""
        sender = prepared.from_email.lower()
        self._acks_by_sender[sender] += 1
        # From the support address the customer wrote to, so the reply goes back there.
        ours = next((a for a in prepared.to if a in self.our_addresses), "")
        self._pending_acks.append(
            PendingAck(ticket, prepared, ours or settings.ANSWERDESK_DEFAULT_FROM)
        )

    def add_events(self, events: Iterable[TicketEvent]) -> None:
        self._events.extend(events)

    def touch(self, ticket: Ticket) -> None:
        """Mark an existing ticket as changed (status, updated_at)."""
        if ticket.pk is not None:
            self._touched[ticket.pk] = ticket

    def flush(self, raws: list[RawMessage]) -> None:
        """Save everything, in dependency order; call inside a transaction."""
        if any(p.prepared.attachment_values for p in self._pending):
            # Attachments were stored unsynced by the parse step, maybe in another process:
            # syncfs covers the whole file system. On disk before rows name them.
            self.store.sync()
        tickets = _unique_unsaved(p.ticket for p in self._pending)
        contacts = _unique_unsaved(
            c for c in [*(p.sender for p in self._pending), *(t.contact for t in tickets)] if c
        )
        insert_rows(contacts)
        saved = {id(c) for c in contacts}
        insert_rows([a for a in self._new_addresses if id(a.contact) in saved])
        insert_rows(tickets)
        insert_values(
            Message,
            ("id", "ticket_id", "sender_id", *MESSAGE_COLUMNS),
            [
                (p.pk, p.ticket.pk, p.sender.pk if p.sender else None, *p.prepared.message_values)
                for p in self._pending
            ],
        )
        attachments = [(p.pk, a) for p in self._pending for a in p.prepared.attachment_values]
        insert_values(
            Attachment,
            ("id", "message_id", *ATTACHMENT_COLUMNS),
            [
                (pk, message_pk, *values)
                for pk, (message_pk, values) in zip(
                    allocate_ids(Attachment, len(attachments)), attachments, strict=True
                )
            ],
        )
        acknowledgements = [self._compose(ack) for ack in self._pending_acks]
        insert_rows([message for message, _ in acknowledgements])
        insert_rows([outbound for _, outbound in acknowledgements])
        self._events.extend(
            events.acknowledged(ack.ticket, message, language=ack.prepared.language, at=self.now)
            for ack, (message, _) in zip(self._pending_acks, acknowledgements, strict=True)
        )
        insert_rows(self._events)
        update_rows(list(self._touched.values()), ["status", "updated_at"])
        _record_outcomes(raws, self.now)

    def _answers(self, prepared: PreparedMessage, language: str) -> str:
        """An FAQ answer for each ask that has a confident one: the customer may have their
        answer within a second, before any agent reads the message."""
        asks = [str(a["text"]) for a in prepared.asks]
        quoted = []
        for ask, found in zip(asks, suggest(asks), strict=True):
            best = best_answer(found, language)
            if best is not None:
                article = best.article
                quoted.append(QuotedAnswer(ask, article.title, article.answer, article.url))
        return answers_block(quoted, language)

    def _compose(self, ack: PendingAck) -> tuple[Message, OutboundMessage]:
        """The acknowledgement as a message of the thread and as mail to send."""
        prepared, ticket = ack.prepared, ack.ticket
        language = prepared.language if prepared.language in self._templates else "en"
        subject_template, body_template = self._templates[language]
        values = {
            "reference": ticket.reference,
            "subject": prepared.subject or "—",
            "promise": promise(self.ack_policy.promise_hours, language),
            "name": f" {prepared.from_name}" if prepared.from_name else "",
            "answers": self._answers(prepared, language),
            "status_link": status_link_block(status_url(ticket), language),
        }
        subject, body = render(subject_template, **values), render(body_template, **values)
        if values["answers"] and "{answers}" not in body_template:
            body = f"{body.rstrip()}\n\n{values['answers']}"
        composed = compose(
            mail_from=ack.mail_from,
            to=prepared.from_email,
            subject=subject,
            body=body,
            domain=ack.mail_from.rpartition("@")[2] or "localhost",
            in_reply_to=prepared.message_id,
            references=prepared.references,
            automatic=True,
            at=self.now,
        )
        message = build(
            Message,
            ticket=ticket,
            direction=Message.Direction.OUTBOUND,
            channel=Channel.EMAIL,
            message_id=composed.message_id,
            in_reply_to=prepared.message_id,
            references=[*prepared.references, prepared.message_id],
            subject=subject,
            from_email=ack.mail_from,
            to=[prepared.from_email],
            text=body,
            new_text=body,
            language=language,
            flags=["auto_reply"],
            sent_at=self.now,
            received_at=self.now,
        )
        outbound = build(
            OutboundMessage,
            ticket=ticket,
            kind=OutboundMessage.Kind.ACKNOWLEDGEMENT,
            mail_from=ack.mail_from,
            recipients=[prepared.from_email],
            to_address=prepared.from_email.lower(),
            message_id=composed.message_id,
            data=composed.data,
            created_at=self.now,
            next_attempt_at=self.now,
        )
        return message, outbound


def _record_outcomes(raws: list[RawMessage], now: dt.datetime) -> None:
    """Save each raw message's state: processed ones in one statement, the few others by row."""
    processed = [r.pk for r in raws if r.state == RawMessage.State.PROCESSED]
    stopped = [r for r in raws if r.state != RawMessage.State.PROCESSED]
    table = connection.ops.quote_name(RawMessage._meta.db_table)
    with connection.cursor() as cursor:
        if processed:
            marks = ", ".join(["%s"] * len(processed))
            cursor.execute(
                f"UPDATE {table} SET state = %s, reason = '', processed_at = %s,"
                f" attempts = attempts + 1 WHERE id IN ({marks})",
                [RawMessage.State.PROCESSED.value, _when(now), *processed],
            )
    update_rows(stopped, ["state", "reason", "processed_at", "attempts"])


def _when(now: dt.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(now)


def _unique_unsaved(objects: Iterable[_Row]) -> list[_Row]:
    seen: dict[int, _Row] = {}
    for obj in objects:
        if obj.pk is None:
            seen.setdefault(id(obj), obj)
    return list(seen.values())
