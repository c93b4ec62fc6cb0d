"""Timeline events: one small constructor per kind of TicketEvent.

Every TicketEvent is built here, so the timeline has one shape that reports can rely on.
The constructors return unsaved rows; the caller saves them (one by one, or in bulk with
the rest of an ingest batch).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from answerdesk.bulk_rows import build
from answerdesk.tickets.models import Message, Ticket, TicketEvent

if TYPE_CHECKING:
    from answerdesk.mail.models import OutboundMessage

PIPELINE = "mail pipeline"


def ticket_created(ticket: Ticket, message_pk: int, *, reason: str, at: dt.datetime) -> TicketEvent:
    """The ticket was opened by this message (which the event points at)."""
    return build(
        TicketEvent,
        ticket=ticket,
        kind=TicketEvent.Kind.CREATED,
        actor_label=PIPELINE,
        message_id=message_pk,
        reason=reason,
        data={"channel": ticket.channel, "threading": "new"},
        created_at=at,
    )


def message_received(
    ticket: Ticket,
    message_pk: int,
    *,
    threading: str,
    matched: str,
    reason: str,
    at: dt.datetime,
) -> TicketEvent:
    """A message joined an existing ticket; `threading` says how, `matched` by what."""
    return build(
        TicketEvent,
        ticket=ticket,
        kind=TicketEvent.Kind.MESSAGE_RECEIVED,
        actor_label=PIPELINE,
        message_id=message_pk,
        reason=reason,
        data={"threading": threading, "matched": matched},
        created_at=at,
    )


def status_changed(
    ticket: Ticket,
    *,
    old: str,
    new: str,
    reason: str,
    at: dt.datetime,
    actor_label: str = PIPELINE,
) -> TicketEvent:
    return build(
        TicketEvent,
        ticket=ticket,
        kind=TicketEvent.Kind.STATUS_CHANGED,
        actor_label=actor_label,
        reason=reason,
        data={"from": old, "to": new},
        created_at=at,
    )


def acknowledged(
    ticket: Ticket, acknowledgement: Message, *, language: str, at: dt.datetime
) -> TicketEvent:
    """An acknowledgement was queued for the customer (the event points at it)."""
    return build(
        TicketEvent,
        ticket=ticket,
        kind=TicketEvent.Kind.ACKNOWLEDGED,
        actor_label=PIPELINE,
        message=acknowledgement,
        reason="new customer message",
        data={"language": language},
        created_at=at,
    )


def not_acknowledged(
    ticket: Ticket, message_pk: int, *, reason: str, at: dt.datetime
) -> TicketEvent:
    """The acknowledgement rules said no, and why (an auto-reply, a rate limit...)."""
    return build(
        TicketEvent,
        ticket=ticket,
        kind=TicketEvent.Kind.NOT_ACKNOWLEDGED,
        actor_label=PIPELINE,
        message_id=message_pk,
        reason=reason,
        created_at=at,
    )


def delivery_failed(
    ticket: Ticket, outbound: OutboundMessage, *, reason: str, at: dt.datetime
) -> TicketEvent:
    return build(
        TicketEvent,
        ticket=ticket,
        kind=TicketEvent.Kind.DELIVERY_FAILED,
        actor_label="outbound mail",
        reason=reason,
        data={
            "message_id": outbound.message_id,
            "kind": outbound.kind,
            "attempts": outbound.attempts,
        },
        created_at=at,
    )


def assigned(ticket: Ticket, agent_pk: int, *, reason: str, at: dt.datetime) -> TicketEvent:
    """The ticket went to an agent; `reason` says why this one."""
    return build(
        TicketEvent,
        ticket=ticket,
        kind=TicketEvent.Kind.ASSIGNED,
        actor_label=PIPELINE,
        reason=reason,
        data={"assignee": agent_pk},
        created_at=at,
    )


def understanding_corrected(
    ticket: Ticket,
    message: Message,
    *,
    field: str,
    before: object,
    after: object,
    actor_pk: int | None,
    at: dt.datetime,
) -> TicketEvent:
    """An agent corrected the language, kind or asks the models read in a message."""
    return build(
        TicketEvent,
        ticket=ticket,
        kind=TicketEvent.Kind.UNDERSTANDING_CORRECTED,
        actor_id=actor_pk,
        message=message,
        reason=f"{field} corrected",
        data={"field": field, "from": before, "to": after},
        created_at=at,
    )
