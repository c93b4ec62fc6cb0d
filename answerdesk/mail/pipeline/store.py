"""Step: turn the parsed message into rows (message, attachments, timeline) in the batch."""

from __future__ import annotations

from answerdesk.mail.pipeline.batch import WriteBatch
from answerdesk.mail.pipeline.context import MessageContext
from answerdesk.tickets import events
from answerdesk.tickets.models import Attachment, Channel, Message, Ticket, TicketEvent

# A customer writing again on a ticket the desk considers done or waiting: it needs an agent.
_REOPEN = {Ticket.Status.WAITING, Ticket.Status.SOLVED, Ticket.Status.CLOSED}


def store(ctx: MessageContext, batch: WriteBatch) -> None:
    parsed, ticket, raw = ctx.parsed, ctx.ticket, ctx.raw
    assert parsed is not None
    assert ticket is not None
    at = raw.received_at
    message = Message(
        ticket=ticket,
        direction=Message.Direction.INBOUND,
        channel=Channel.EMAIL,
        sender=ctx.contact,
        raw_sha256=raw.sha256,
        message_id=parsed.message_id[:998],
        in_reply_to=(parsed.in_reply_to[-1] if parsed.in_reply_to else "")[:998],
        references=parsed.references,
        subject=parsed.subject[:998],
        from_email=parsed.from_.email[:320] if parsed.from_ else "",
        from_name=parsed.from_.name[:200] if parsed.from_ else "",
        to=[a.email for a in parsed.to],
        cc=[a.email for a in parsed.cc],
        headers=[list(pair) for pair in parsed.headers],
        text=parsed.text,
        html=parsed.html,
        new_text=parsed.new_text,
        flags=sorted(parsed.flags),
        defects=parsed.defects,
        sent_at=parsed.date,
        received_at=at,
    )
    attachments = []
    for part in parsed.attachments:  # their bytes were stored by the parse step
        attachments.append(
            Attachment(
                message=message,
                sha256=part.sha256,
                size=part.size,
                content_type=part.content_type[:255],
                filename=part.filename[:255],
                inline=part.inline,
                content_id=part.content_id[:998],
                container=part.container,
            )
        )
    timeline: list[TicketEvent] = []
    if ctx.ticket_is_new:
        # One event: the ticket was created by this message (it carries the message).
        timeline.append(events.ticket_created(ticket, message, reason=ctx.thread_reason, at=at))
    else:
        timeline.append(
            events.message_received(
                ticket,
                message,
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
    batch.add_message(message, attachments, timeline)
    ctx.message = message
