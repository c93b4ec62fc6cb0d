"""Step: find the ticket a message belongs to, or open a new one, and say why."""

from __future__ import annotations

import re
from functools import cache

from django.conf import settings

from answerdesk.bulk_rows import build
from answerdesk.mail.mail_sources import IMPORT_SOURCE
from answerdesk.mail.pipeline.batch import WriteBatch
from answerdesk.mail.pipeline.context import MessageContext
from answerdesk.sla.actions import current_rules
from answerdesk.tickets.models import Ticket, format_reference


@cache
def _reference_pattern() -> re.Pattern[str]:
    prefix = re.escape(settings.ANSWERDESK_TICKET_PREFIX)
    return re.compile(rf"\[{prefix}-(\d{{1,12}})\]", re.IGNORECASE)


def subject_ticket_ids(subject: str) -> list[int]:
    """Ticket numbers quoted in a subject as [AD-000123]."""
    return [int(number) for number in _reference_pattern().findall(subject)]


def thread(ctx: MessageContext, batch: WriteBatch) -> None:
    prepared = ctx.prepared
    # Headers first: In-Reply-To names the message answered; References, newest last
    # (RFC 5322 §3.6.4), name the rest of the thread.
    for header, ids in (("in_reply_to", prepared.in_reply_to), ("references", prepared.references)):
        for message_id in reversed(ids):
            known = batch.message(message_id)
            if known is not None:
                ctx.ticket, ctx.threading, ctx.matched = known.ticket, header, message_id
                ctx.thread_reason = f"{header.replace('_', '-').title()} names <{message_id}>"
                return
    notes = []
    for ticket_id in subject_ticket_ids(prepared.subject):
        ticket = batch.ticket(ticket_id)
        reference = format_reference(ticket_id)
        if ticket is None:
            notes.append(f"subject names {reference}, which does not exist")
        elif ctx.contact is None or ticket.contact_id != ctx.contact.pk:
            # Anyone can type a reference into a subject; only the ticket's own customer
            # may join it that way, so a stranger cannot read or hijack someone's thread.
            notes.append(f"subject names {reference}, but the sender is not its customer")
        else:
            ctx.ticket, ctx.threading, ctx.matched = ticket, "subject_reference", reference
            ctx.thread_reason = f"the subject names {reference}"
            return
    due_at = None
    if not ctx.raw.source.startswith(IMPORT_SOURCE):  # imported mail is old: nobody waits
        if batch.sla is None:
            batch.sla = current_rules()
        # The first-response clock starts when the message reached us (answerdesk.sla).
        due_at = batch.sla.due(prepared.kind, prepared.channel, ctx.raw.received_at)
    ctx.ticket = build(
        Ticket,
        subject=prepared.subject[:998],
        contact=ctx.contact,
        channel=prepared.channel,
        language=prepared.language,
        kind=prepared.kind,
        created_at=min(prepared.date, ctx.raw.received_at),
        updated_at=ctx.raw.received_at,
        due_at=due_at,
    )
    ctx.ticket_is_new, ctx.threading, ctx.matched = True, "new", ""
    ctx.thread_reason = "; ".join(["no known Message-ID in In-Reply-To or References", *notes])
