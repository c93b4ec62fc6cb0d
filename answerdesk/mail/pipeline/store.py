"""Step: queue the message, its attachments and its timeline events in the batch."""

from __future__ import annotations

from answerdesk.mail.pipeline.batch import WriteBatch
from answerdesk.mail.pipeline.context import MessageContext
from answerdesk.tickets import events
from answerdesk.tickets.models import Ticket, TicketEvent

# A customer writing again on a ticket the desk considers done or waiting: it needs an agent.
_REOPEN = {Ticket.Status.WAITING, Ticket.Status.SOLVED, Ticket.Status.CLOSED}


def store(ctx: MessageContext, batch: WriteBatch) -> None:
    ticket, at = ctx.ticket, ctx.raw.received_at
    assert ticket is not None
    # The message's columns and its attachments' were prepared by the parse step.
    message_pk = batch.add_message(ticket, ctx.contact, ctx.prepared)
    timeline: list[TicketEvent] = []
    if ctx.ticket_is_new:
        # One event: the ticket was created by this message (it carries the message).
        timeline.append(events.ticket_created(ticket, message_pk, reason=ctx.thread_reason, at=at))
    else:
        timeline.append(
            events.message_received(
                ticket,
                message_pk,
                threading=ctx.threading,
                matched=ctx.matched,
                reason=ctx.thread_reason,
                at=at,
            )
        )
        if ticket.status in _REOPEN:
            timeline.append(
                events.status_changed(
                    ticket,
                    old=ticket.status,
                    new=Ticket.Status.OPEN,
                    reason="the customer wrote again",
                    at=at,
                )
            )
            ticket.status = Ticket.Status.OPEN
        ticket.updated_at = max(ticket.updated_at, at)
        batch.touch(ticket)
    batch.add_events(timeline)
    ctx.message_pk = message_pk
