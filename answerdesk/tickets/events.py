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
SURVEY = "satisfaction survey"
CUSTOMER = "customer"


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
    actor_pk: int | None = None,
) -> TicketEvent:
    return build(
        TicketEvent,
        ticket=ticket,
        kind=TicketEvent.Kind.STATUS_CHANGED,
        actor_id=actor_pk,
        actor_label="" if actor_pk else actor_label,
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


def assigned(
    ticket: Ticket,
    agent_pk: int | None,
    *,
    reason: str,
    at: dt.datetime,
    actor_pk: int | None = None,
) -> TicketEvent:
    """The ticket went to an agent (None: back to the unassigned queue); `reason` says why."""
    return build(
        TicketEvent,
        ticket=ticket,
        kind=TicketEvent.Kind.ASSIGNED,
        actor_id=actor_pk,
        actor_label="" if actor_pk else PIPELINE,
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


def replied(ticket: Ticket, reply: Message, *, actor_pk: int, at: dt.datetime) -> TicketEvent:
    """An agent's reply was queued for the customer (the event points at it)."""
    return build(
        TicketEvent,
        ticket=ticket,
        kind=TicketEvent.Kind.REPLIED,
        actor_id=actor_pk,
        message=reply,
        reason="reply sent",
        data={"to": reply.to, "language": reply.language},
        created_at=at,
    )


def note_added(ticket: Ticket, note: Message, *, actor_pk: int, at: dt.datetime) -> TicketEvent:
    return build(
        TicketEvent,
        ticket=ticket,
        kind=TicketEvent.Kind.NOTE_ADDED,
        actor_id=actor_pk,
        message=note,
        created_at=at,
    )


def ask_skipped(
    ticket: Ticket, reply: Message, *, ask: str, asked_in: int, actor_pk: int, at: dt.datetime
) -> TicketEvent:
    """The agent sent a reply that the completeness check found leaves this ask unanswered,
    and confirmed it: the override, with the ask it skipped."""
    return build(
        TicketEvent,
        ticket=ticket,
        kind=TicketEvent.Kind.ASK_SKIPPED,
        actor_id=actor_pk,
        message=reply,
        reason="sent with an ask unanswered, confirmed by the agent",
        data={"ask": ask, "asked_in": asked_in},
        created_at=at,
    )


def priority_changed(
    ticket: Ticket, *, old: int, new: int, reason: str, at: dt.datetime, actor_pk: int | None
) -> TicketEvent:
    return build(
        TicketEvent,
        ticket=ticket,
        kind=TicketEvent.Kind.PRIORITY_CHANGED,
        actor_id=actor_pk,
        actor_label="" if actor_pk else "sla",
        reason=reason,
        data={"from": old, "to": new},
        created_at=at,
    )


def merged(
    ticket: Ticket, *, source: Ticket, target: Ticket, actor_pk: int, at: dt.datetime
) -> TicketEvent:
    """Recorded on both tickets: `source` was merged into `target`."""
    return build(
        TicketEvent,
        ticket=ticket,
        kind=TicketEvent.Kind.MERGED,
        actor_id=actor_pk,
        reason=f"{source.reference} merged into {target.reference}",
        data={"source": source.pk, "target": target.pk},
        created_at=at,
    )


def sla_breached(
    ticket: Ticket, *, due_at: dt.datetime, at: dt.datetime, old_priority: int | None = None
) -> TicketEvent:
    """The first-response target passed with no answer (answerdesk.sla escalated it)."""
    data: dict[str, object] = {"due_at": due_at.isoformat()}
    if old_priority is not None:
        data["priority"] = {"from": old_priority, "to": ticket.priority}
    return build(
        TicketEvent,
        ticket=ticket,
        kind=TicketEvent.Kind.SLA_BREACHED,
        actor_label="sla",
        reason="no first response by the target",
        data=data,
        created_at=at,
    )


def survey_sent(ticket: Ticket, outbound: OutboundMessage, *, at: dt.datetime) -> TicketEvent:
    return build(
        TicketEvent,
        ticket=ticket,
        kind=TicketEvent.Kind.SURVEY_SENT,
        actor_label=SURVEY,
        reason="satisfaction survey sent",
        data={"survey": True, "to": outbound.to_address},
        created_at=at,
    )


def rated(ticket: Ticket, *, score: int, comment: str, at: dt.datetime) -> TicketEvent:
    return build(
        TicketEvent,
        ticket=ticket,
        kind=TicketEvent.Kind.RATED,
        actor_label=CUSTOMER,
        reason=f"{score}/5" + (f": {comment[:200]}" if comment else ""),
        data={"score": score, "comment": comment},
        created_at=at,
    )


def callback_logged(
    ticket: Ticket, *, outcome: str, note: str, actor_pk: int, at: dt.datetime
) -> TicketEvent:
    return build(
        TicketEvent,
        ticket=ticket,
        kind=TicketEvent.Kind.CALLBACK_LOGGED,
        actor_id=actor_pk,
        reason=outcome + (f": {note[:200]}" if note else ""),
        data={"outcome": outcome, "note": note},
        created_at=at,
    )


def links_revoked(ticket: Ticket, *, actor_pk: int, at: dt.datetime) -> TicketEvent:
    return build(
        TicketEvent,
        ticket=ticket,
        kind=TicketEvent.Kind.LINKS_REVOKED,
        actor_id=actor_pk,
        reason="every status and survey link sent so far stops working",
        data={"version": ticket.status_link_version},
        created_at=at,
    )
