"""One transaction's worth of ingest: a prefetched view of the database and the rows to write.

The write steps look things up here instead of querying per message, and add what they
create; flush() then saves everything with bulk inserts (bulk_rows.py). This is what lets a
batch import write thousands of messages a second, while a single message (SMTP, retry) goes
through exactly the same code as a batch of one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TypeVar

from answerdesk.blob_store import BlobStore
from answerdesk.bulk_rows import insert_rows, update_rows
from answerdesk.mail.models import RawMessage
from answerdesk.mail.parsing.parsed import Address, ParsedMessage
from answerdesk.tickets.models import (
    Attachment,
    Contact,
    ContactAddress,
    Message,
    Ticket,
    TicketEvent,
)

_Row = TypeVar("_Row", Contact, Ticket)


class WriteBatch:
    def __init__(self, store: BlobStore, now: dt.datetime) -> None:
        self.store = store
        self.now = now
        self._messages: dict[str, Message] = {}
        self._contacts: dict[str, Contact] = {}
        self._tickets: dict[int, Ticket] = {}
        self._new_addresses: list[ContactAddress] = []
        self._new_messages: list[Message] = []
        self._attachments: list[Attachment] = []
        self._events: list[TicketEvent] = []
        self._touched: dict[int, Ticket] = {}

    # --- the view of the database --------------------------------------------------------
    def prefetch(self, parsed: Iterable[ParsedMessage], ticket_ids: Iterable[int]) -> None:
        """Load, in a few queries, every row the steps may look up for these messages."""
        parsed = list(parsed)
        ids = {mid for p in parsed for mid in (p.message_id, *p.in_reply_to, *p.references)}
        known = Message.objects.filter(message_id__in=ids).only("id", "message_id", "ticket_id")
        by_ticket: dict[int, list[Message]] = {}
        for message in known:
            by_ticket.setdefault(message.ticket_id, []).append(message)
        tickets = Ticket.objects.in_bulk({*by_ticket, *ticket_ids})
        self._tickets.update(tickets)
        for ticket_id, messages in by_ticket.items():
            for message in messages:
                message.ticket = tickets[ticket_id]
                self._messages[message.message_id] = message
        emails = {p.from_.email.lower() for p in parsed if p.from_}
        for address in ContactAddress.objects.filter(email__in=emails).select_related("contact"):
            self._contacts[address.email] = address.contact

    def message(self, message_id: str) -> Message | None:
        return self._messages.get(message_id)

    def ticket(self, ticket_id: int) -> Ticket | None:
        return self._tickets.get(ticket_id)

    def contact(self, address: Address) -> Contact:
        """The contact who owns this address, made (unsaved) on first sight."""
        email = address.email.lower()
        contact = self._contacts.get(email)
        if contact is None:
            contact = Contact(name=address.name[:200], created_at=self.now)
            self._contacts[email] = contact
            self._new_addresses.append(ContactAddress(contact=contact, email=email))
        return contact

    # --- what the steps write ------------------------------------------------------------
    def add_message(
        self, message: Message, attachments: list[Attachment], events: list[TicketEvent]
    ) -> None:
        self._messages[message.message_id] = message
        self._new_messages.append(message)
        self._attachments.extend(attachments)
        self._events.extend(events)

    def touch(self, ticket: Ticket) -> None:
        """Mark an existing ticket as changed (status, updated_at)."""
        if ticket.pk is not None:
            self._touched[ticket.pk] = ticket

    def flush(self, raws: list[RawMessage]) -> None:
        """Save everything, in dependency order; call inside a transaction."""
        # Attachments were stored unsynced (by the parse step, maybe in another process of
        # this machine: syncfs covers the whole file system); on disk before rows name them.
        if self._attachments:
            self.store.sync()
        tickets = _unique_unsaved(m.ticket for m in self._new_messages)
        # Only new tickets' contacts: reading .contact of a ticket loaded from the database
        # would cost a query each.
        contacts = _unique_unsaved(
            c for c in [*(m.sender for m in self._new_messages), *(t.contact for t in tickets)] if c
        )
        insert_rows(contacts)
        saved = {id(c) for c in contacts}
        insert_rows([a for a in self._new_addresses if id(a.contact) in saved])
        insert_rows(tickets)
        insert_rows(self._new_messages)
        insert_rows(self._attachments)
        insert_rows(self._events)
        update_rows(list(self._touched.values()), ["status", "updated_at"])
        update_rows(raws, ["state", "reason", "message", "processed_at", "attempts"])


def _unique_unsaved(objects: Iterable[_Row]) -> list[_Row]:
    seen: dict[int, _Row] = {}
    for obj in objects:
        if obj.pk is None:
            seen.setdefault(id(obj), obj)
    return list(seen.values())
