"""What agents do to tickets: reply, note, assign, change status or priority, merge.

Each action writes its change and its timeline event in one transaction. Access is checked
by the caller (answerdesk.tickets.access); these functions trust the ticket they are given.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from answerdesk.learning.actions import correct
from answerdesk.mail.models import OutboundMessage, SupportAddress
from answerdesk.mail.outbound import compose
from answerdesk.nlp.completeness import CompletenessModel, ReplyCheck
from answerdesk.replies.actions import check_reply
from answerdesk.sla.actions import recompute_due
from answerdesk.tickets import events
from answerdesk.tickets.models import AgentProfile, Channel, Message, Ticket
from answerdesk.tickets.survey import queue_survey, survey_wanted

MAX_BODY_CHARS = 100_000


class ActionError(ValueError):
    """The action cannot be done; the message says why, in words an agent reads."""


@dataclass(frozen=True, slots=True)
class OpenAsk:
    """One thing the customer asked that no reply has answered yet."""

    message_id: int
    text: str


class UnansweredAsks(ActionError):
    """The reply leaves asks unanswered and the agent has not confirmed sending it so."""

    def __init__(self, asks: Sequence[OpenAsk], check: ReplyCheck) -> None:
        super().__init__(f"{len(asks)} ask(s) not answered by the reply")
        self.asks, self.check = list(asks), check


def open_asks(ticket: Ticket) -> list[OpenAsk]:
    """The asks of the customer's messages since the last reply an agent wrote.

    Acknowledgements do not count as replies: they promise an answer, they are not one.
    """
    last_reply = (
        ticket.messages.filter(direction=Message.Direction.OUTBOUND, author__isnull=False)
        .order_by("-sent_at", "-pk")
        .values_list("sent_at", flat=True)
        .first()
    )
    inbound = ticket.messages.filter(direction=Message.Direction.INBOUND)
    if last_reply is not None:
        inbound = inbound.filter(sent_at__gt=last_reply)
    return [
        OpenAsk(message_id, str(ask["text"]))
        for message_id, asks in inbound.order_by("sent_at", "pk").values_list("id", "asks")
        for ask in asks
    ]


def check_draft(
    ticket: Ticket, body: str, checker: CompletenessModel | None = None
) -> tuple[list[OpenAsk], ReplyCheck]:
    asks = open_asks(ticket)
    return asks, check_reply([a.text for a in asks], body, checker)


def _last_inbound(ticket: Ticket) -> Message | None:
    return (
        ticket.messages.filter(direction=Message.Direction.INBOUND)
        .order_by("-sent_at", "-pk")
        .first()
    )


def _our_address(inbound: Message | None) -> str:
    """The support address the customer wrote to, so the answer comes from it."""
    if inbound is not None:
        written_to = [a.lower() for a in [*inbound.to, *inbound.cc] if isinstance(a, str)]
        ours = SupportAddress.objects.filter(email__in=written_to, active=True)
        found = ours.values_list("email", flat=True).first()
        if found:
            return found
    return str(settings.ANSWERDESK_DEFAULT_FROM)


def _customer_address(ticket: Ticket, inbound: Message | None) -> str:
    if inbound is not None and inbound.from_email:
        return inbound.from_email
    if ticket.contact is not None:
        address = ticket.contact.addresses.order_by("pk").values_list("email", flat=True).first()
        if address:
            return address
    raise ActionError(_("the customer has no email address to reply to"))


def reply_subject(ticket: Ticket) -> str:
    """Re: the subject, with the reference the threading step recognises."""
    subject = ticket.subject or "—"
    if not subject.lower().startswith(("re:", "re :", "tr:", "fwd:")):
        subject = f"Re: {subject}"
    if ticket.reference.lower() not in subject.lower():
        subject = f"{subject} [{ticket.reference}]"
    return subject


def signed(body: str, author: AbstractBaseUser) -> str:
    signature = (
        AgentProfile.objects.filter(user_id=author.pk).values_list("signature", flat=True).first()
    )
    if not signature or signature.strip() in body:
        return body
    return f"{body.rstrip()}\n\n-- \n{signature.strip()}\n"


def _clean_body(body: str) -> str:
    body = body.replace("\r\n", "\n").replace("\x00", "").strip()
    if not body:
        raise ActionError(_("the reply is empty"))
    if len(body) > MAX_BODY_CHARS:
        raise ActionError(_("the reply is longer than %(n)d characters") % {"n": MAX_BODY_CHARS})
    return body


@transaction.atomic
def send_reply(
    ticket: Ticket,
    *,
    author: AbstractBaseUser,
    body: str,
    confirm_unanswered: bool = False,
    status: str = Ticket.Status.WAITING,
    checker: CompletenessModel | None = None,
    now: dt.datetime | None = None,
) -> Message:
    """Queue the agent's reply to the customer, threaded under their last message.

    The completeness gate: when the reply leaves an open ask unanswered, it is not sent
    unless the agent confirmed; a confirmed skip is recorded on the timeline, ask by ask.
    """
    now = now or timezone.now()
    body = _clean_body(body)
    asks, check = check_draft(ticket, body, checker)
    skipped = [a for a, v in zip(asks, check.verdicts, strict=True) if not v.answered]
    if skipped and not confirm_unanswered:
        raise UnansweredAsks(skipped, check)
    inbound = _last_inbound(ticket)
    to = _customer_address(ticket, inbound)
    mail_from = _our_address(inbound)
    body = signed(body, author)
    subject = reply_subject(ticket)
    references = [*inbound.references, inbound.message_id] if inbound else []
    composed = compose(
        mail_from=mail_from,
        to=to,
        subject=subject,
        body=body,
        domain=mail_from.rpartition("@")[2] or "localhost",
        in_reply_to=inbound.message_id if inbound else "",
        references=inbound.references if inbound else [],
        at=now,
    )
    reply = Message.objects.create(
        ticket=ticket,
        direction=Message.Direction.OUTBOUND,
        channel=Channel.EMAIL,
        author_id=author.pk,
        message_id=composed.message_id,
        in_reply_to=inbound.message_id if inbound else "",
        references=references[-20:],
        subject=subject,
        from_email=mail_from,
        to=[to],
        text=body,
        new_text=body,
        language=ticket.language,
        sent_at=now,
        received_at=now,
    )
    OutboundMessage.objects.create(
        ticket=ticket,
        kind=OutboundMessage.Kind.REPLY,
        mail_from=mail_from,
        recipients=[to],
        to_address=to.lower(),
        message_id=composed.message_id,
        data=composed.data,
        created_at=now,
        next_attempt_at=now,
    )
    actor = int(author.pk)
    rows = [events.replied(ticket, reply, actor_pk=actor, at=now)]
    rows += [
        events.ask_skipped(ticket, reply, ask=a.text, asked_in=a.message_id, actor_pk=actor, at=now)
        for a in skipped
    ]
    for row in rows:
        row.save()
    if ticket.first_response_at is None:
        ticket.first_response_at = now
    ticket.updated_at = now
    ticket.save(update_fields=["first_response_at", "updated_at"])
    set_status(ticket, status, by=author, now=now, reason="reply sent")
    return reply


@transaction.atomic
def add_note(
    ticket: Ticket, *, author: AbstractBaseUser, body: str, now: dt.datetime | None = None
) -> Message:
    """An internal note: on the thread for agents, never sent to the customer."""
    now = now or timezone.now()
    note = Message.objects.create(
        ticket=ticket,
        direction=Message.Direction.NOTE,
        channel=Channel.EMAIL,
        author_id=author.pk,
        # Notes have no Message-ID of their own; a unique local one keeps the column unique.
        message_id=f"note-{uuid.uuid4().hex}@answerdesk.invalid",
        text=_clean_body(body),
        new_text=_clean_body(body),
        sent_at=now,
        received_at=now,
    )
    events.note_added(ticket, note, actor_pk=int(author.pk), at=now).save()
    ticket.updated_at = now
    ticket.save(update_fields=["updated_at"])
    return note


@transaction.atomic
def assign(
    ticket: Ticket,
    assignee: AbstractBaseUser | None,
    *,
    by: AbstractBaseUser,
    now: dt.datetime | None = None,
) -> bool:
    """Give the ticket to an agent (None: back to the unassigned queue). False if no change."""
    now = now or timezone.now()
    new = assignee.pk if assignee is not None else None
    if ticket.assignee_id == new:
        return False
    ticket.assignee_id, ticket.updated_at = new, now
    ticket.save(update_fields=["assignee", "updated_at"])
    reason = "taken" if new == by.pk else ("unassigned" if new is None else "assigned by hand")
    events.assigned(ticket, new, reason=reason, at=now, actor_pk=int(by.pk)).save()
    return True


@transaction.atomic
def set_status(
    ticket: Ticket,
    status: str,
    *,
    by: AbstractBaseUser,
    now: dt.datetime | None = None,
    reason: str = "",
) -> bool:
    if status not in Ticket.Status.values:
        raise ActionError(
            _("unknown status %(status)s: one of %(choices)s")
            % {"status": repr(status), "choices": ", ".join(Ticket.Status.values)}
        )
    now = now or timezone.now()
    old = ticket.status
    if old == status:
        return False
    ticket.status, ticket.updated_at = status, now
    if status in (Ticket.Status.SOLVED, Ticket.Status.CLOSED):
        ticket.solved_at = ticket.solved_at or now
    else:
        ticket.solved_at = None
    ticket.save(update_fields=["status", "updated_at", "solved_at"])
    events.status_changed(
        ticket, old=old, new=status, reason=reason or "changed by hand", at=now, actor_pk=by.pk
    ).save()
    if survey_wanted(ticket, old):
        inbound = _last_inbound(ticket)
        try:
            to = _customer_address(ticket, inbound)
        except ActionError:
            return True  # a callback with no email: nobody to survey by mail
        queue_survey(ticket, to=to, mail_from=_our_address(inbound), now=now)
    return True


@transaction.atomic
def set_priority(
    ticket: Ticket, priority: int, *, by: AbstractBaseUser, now: dt.datetime | None = None
) -> bool:
    if priority not in Ticket.Priority.values:
        raise ActionError(_("unknown priority %(priority)s") % {"priority": repr(priority)})
    now = now or timezone.now()
    old = ticket.priority
    if old == priority:
        return False
    ticket.priority, ticket.updated_at = priority, now
    ticket.save(update_fields=["priority", "updated_at"])
    events.priority_changed(
        ticket, old=old, new=priority, reason="changed by hand", at=now, actor_pk=int(by.pk)
    ).save()
    return True


@transaction.atomic
def merge(
    source: Ticket, target: Ticket, *, by: AbstractBaseUser, now: dt.datetime | None = None
) -> Ticket:
    """Move the source ticket's messages into the target, and close the source.

    The source keeps its timeline and points at the target, so a customer quoting its old
    reference still lands on the right ticket.
    """
    now = now or timezone.now()
    if source.pk == target.pk:
        raise ActionError(_("a ticket cannot be merged into itself"))
    if source.merged_into_id is not None:
        raise ActionError(_("%(ref)s was already merged") % {"ref": source.reference})
    if target.merged_into_id is not None:
        raise ActionError(_("%(ref)s was merged into another ticket") % {"ref": target.reference})
    source.messages.update(ticket=target)
    source.merged_into, source.updated_at = target, now
    source.save(update_fields=["merged_into", "updated_at"])
    set_status(source, Ticket.Status.CLOSED, by=by, now=now, reason="merged")
    # The earliest target date stays: the customer has been waiting since the first one.
    changed = ["updated_at"]
    if source.created_at < target.created_at:
        target.created_at = source.created_at
        changed.append("created_at")
    if source.due_at and (target.due_at is None or source.due_at < target.due_at):
        target.due_at = source.due_at
        changed.append("due_at")
    target.updated_at = now
    target.save(update_fields=changed)
    actor = int(by.pk)
    for ticket in (source, target):
        events.merged(ticket, source=source, target=target, actor_pk=actor, at=now).save()
    if target.status in (Ticket.Status.SOLVED, Ticket.Status.CLOSED):
        set_status(target, Ticket.Status.OPEN, by=by, now=now, reason="a ticket was merged in")
    return target


def customer_history(ticket: Ticket, limit: int = 20) -> list[Ticket]:
    """The customer's other tickets, on every channel, newest first."""
    if ticket.contact_id is None:
        return []
    others = Ticket.objects.filter(contact_id=ticket.contact_id).exclude(pk=ticket.pk)
    return list(others.order_by("-created_at", "-pk")[:limit])


def correct_ticket(
    ticket: Ticket,
    *,
    by: AbstractBaseUser,
    kind: str | None = None,
    language: str | None = None,
    now: dt.datetime | None = None,
) -> bool:
    """The agent says what the ticket is: corrected on the message that opened it, so the
    models learn from it (answerdesk.learning), and on the ticket. False if no change."""
    inbound = ticket.messages.filter(direction=Message.Direction.INBOUND)
    first = inbound.order_by("sent_at", "pk").first()
    if first is None:
        raise ActionError(_("the ticket has no customer message to correct"))
    corrections = correct(first, by=by, kind=kind, language=language, at=now)
    if corrections:
        ticket.refresh_from_db(fields=["kind", "language"])
        # Another kind may have another first-response target.
        recompute_due(ticket)
    return bool(corrections)
