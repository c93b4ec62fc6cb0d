"""Step: find the contact who sent the message, or make one."""

from __future__ import annotations

from answerdesk.mail.pipeline.batch import WriteBatch
from answerdesk.mail.pipeline.context import MessageContext


def identify_contact(ctx: MessageContext, batch: WriteBatch) -> None:
    assert ctx.parsed is not None
    sender = ctx.parsed.from_
    # Without a From address there is nobody to answer; the ticket still opens, unowned.
    ctx.contact = batch.contact(sender) if sender and sender.email else None
