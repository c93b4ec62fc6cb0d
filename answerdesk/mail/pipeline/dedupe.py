"""Step: a Message-ID already stored is a duplicate (sent to two addresses, imported twice)."""

from __future__ import annotations

from answerdesk.mail.pipeline.batch import WriteBatch
from answerdesk.mail.pipeline.context import Duplicate, MessageContext


def dedupe(ctx: MessageContext, batch: WriteBatch) -> None:
    assert ctx.parsed is not None
    original = batch.message(ctx.parsed.message_id)
    if original is not None:
        raise Duplicate(f"Message-ID <{ctx.parsed.message_id}> is already stored", original)
