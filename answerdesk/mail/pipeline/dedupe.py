"""Step: a Message-ID already stored is a duplicate (sent to two addresses, imported twice)."""

from __future__ import annotations

from answerdesk.mail.pipeline.batch import WriteBatch
from answerdesk.mail.pipeline.context import Duplicate, MessageContext
from answerdesk.tickets.models import format_reference


def dedupe(ctx: MessageContext, batch: WriteBatch) -> None:
    message_id = ctx.prepared.message_id
    original = batch.message(message_id)
    if original is not None:
        where = format_reference(original.ticket.pk) if original.ticket.pk else "a new ticket"
        raise Duplicate(f"Message-ID <{message_id}> is already stored, on {where}")
