"""Step: find the contact who sent the message, or make one."""

from __future__ import annotations

from answerdesk.mail.pipeline.batch import WriteBatch
from answerdesk.mail.pipeline.context import MessageContext


def identify_contact(ctx: MessageContext, batch: WriteBatch) -> None:
    prepared = ctx.prepared
    # Without a From address there is nobody to answer; the ticket still opens, unowned.
    if prepared.from_email:
        ctx.contact = batch.contact(prepared.from_email, prepared.from_name)
