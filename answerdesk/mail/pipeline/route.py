"""Step: a new ticket goes to the best-matching available agent; the timeline says why."""

from __future__ import annotations

from answerdesk.mail.pipeline.batch import WriteBatch
from answerdesk.mail.pipeline.context import MessageContext
from answerdesk.tickets import events
from answerdesk.tickets.routing import Router


def route(ctx: MessageContext, batch: WriteBatch) -> None:
    ticket, prepared = ctx.ticket, ctx.prepared
    assert ticket is not None
    if not ctx.ticket_is_new or ticket.assignee_id is not None:
        return
    if batch.router is None:
        batch.router = Router()
    asks = [str(a["text"]) for a in prepared.asks]
    at = ctx.raw.received_at
    facts = (prepared.kind, prepared.language, asks, prepared.subject, at)
    if prepared.agent_id is not None:
        routing = batch.router.choose_person(prepared.agent_id, *facts)
    else:
        routing = batch.router.choose(*facts)
    if routing is None:
        return
    ticket.assignee_id = routing.agent.pk
    Router.record(routing)
    batch.add_events([events.assigned(ticket, routing.agent.pk, reason=routing.reason, at=at)])
