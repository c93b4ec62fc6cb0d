"""One transaction's worth of ingest: a prefetched view of the database and the rows to write.

The write steps look things up here instead of querying per message, and add what they
create; flush() then saves everything with one executemany per table (bulk_rows.py). This
is what lets a batch import write thousands of messages a second, while a single message
(SMTP, retry) goes through exactly the same code as a batch of one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import connection

from answerdesk.blob_store import BlobStore
from answerdesk.bulk_rows import allocate_ids, build, insert_rows, insert_values, update_rows
from answerdesk.mail.models import RawMessage
from answerdesk.mail.pipeline.prepared import (
    ATTACHMENT_COLUMNS,
    MESSAGE_COLUMNS,
    PreparedMessage,
)
from answerdesk.tickets.models import (
    Attachment,
    Contact,
    ContactAddress,
    Message,
    Ticket,
    TicketEvent,
)

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


@dataclass
class WriteBatch:
    store: BlobStore
    now: dt.datetime
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
        insert_rows(self._events)
        update_rows(list(self._touched.values()), ["status", "updated_at"])
        _record_outcomes(raws, self.now)


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
