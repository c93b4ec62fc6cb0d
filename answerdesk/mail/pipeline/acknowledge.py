"""Step: acknowledge the customer's message, or record on the timeline why not."""

from __future__ import annotations

from answerdesk.mail.acknowledgement import AckFacts, refusal
from answerdesk.mail.mail_sources import IMPORT_SOURCE
from answerdesk.mail.pipeline.batch import WriteBatch
from answerdesk.mail.pipeline.context import MessageContext
from answerdesk.tickets import events


def acknowledge(ctx: MessageContext, batch: WriteBatch) -> None:
    prepared, ticket = ctx.prepared, ctx.ticket
    assert ticket is not None
    assert ctx.message_pk is not None
    facts = AckFacts(
        sender=prepared.from_email.lower(),
        flags=prepared.flags,
        spam_score=prepared.spam_score,
        ticket_is_new=ctx.ticket_is_new,
        our_addresses=batch.our_addresses,
        acknowledged_last_hour=batch.acknowledgements_to(prepared.from_email),
        imported=ctx.raw.source.startswith(IMPORT_SOURCE),
        text_spam_probability=prepared.spam_probability,
    )
    reason = refusal(facts, batch.ack_policy)
    if not reason:
        batch.add_acknowledgement(ticket, prepared)
    elif not facts.imported:  # old imported mail: nobody waits, no line on every ticket
        at = ctx.raw.received_at
        batch.add_events([events.not_acknowledged(ticket, ctx.message_pk, reason=reason, at=at)])
