"""What happens in a chat: start it, store each line, take it, end it, or leave a message.

Every line is committed as a tickets.Message (channel chat) before the consumer relays it,
so a line the other side saw is a line the desk kept (line_store.py writes them in batches).
Access is checked by the caller (answerdesk.chat.access); these functions trust the chat
they are given.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from answerdesk.chat.access import hash_token
from answerdesk.chat.error_codes import ChatError, ChatErrorCode
from answerdesk.chat.models import ChatSession
from answerdesk.chat.payloads import line_payload
from answerdesk.learning.readers import current_reader
from answerdesk.nlp.understanding import Reader, Understanding
from answerdesk.sla.actions import set_due
from answerdesk.tickets import events
from answerdesk.tickets.models import Channel, Contact, ContactAddress, Message, Ticket

ACTOR = "live chat"
SUBJECT_CHARS = 100
# Below this the language model is guessing (a short "ok merci"): the page's language wins.
SURE_LANGUAGE = 0.9


@dataclass(frozen=True, slots=True)
class Started:
    chat: ChatSession
    token: str  # given to the visitor once; only its hash is stored
    line: dict[str, Any]


def _contact(email: str, name: str, now: dt.datetime) -> Contact:
    """The customer who owns this address, or a new one: so the chat joins their history."""
    address = ContactAddress.objects.select_related("contact").filter(email=email).first()
    if address is not None:
        return address.contact
    contact = Contact.objects.create(name=name, created_at=now)
    try:
        with transaction.atomic():
            ContactAddress.objects.create(contact=contact, email=email)
    except IntegrityError:
        # Made at the same moment by another chat or a mail: use theirs.
        contact.delete()
        return ContactAddress.objects.select_related("contact").get(email=email).contact
    return contact


def read_line(text: str, reader: Reader | None = None) -> Understanding:
    """Language, kind and asks of a visitor's line (about 1 ms)."""
    return (reader or current_reader()).read("", text)


def _message_id() -> str:
    # Chat lines have no Message-ID of their own; a unique local one keeps the column unique.
    return f"chat-{uuid.uuid4().hex}@answerdesk.invalid"


def inbound_message(chat: ChatSession, text: str, read: Understanding, now: dt.datetime) -> Message:
    """A visitor's line as a message of the chat's ticket (unsaved)."""
    return Message(
        ticket=chat.ticket,
        direction=Message.Direction.INBOUND,
        channel=Channel.CHAT,
        sender_id=chat.ticket.contact_id,
        message_id=_message_id(),
        subject=chat.ticket.subject,
        from_email=chat.visitor_email,
        from_name=chat.visitor_name,
        text=text,
        new_text=text,
        language=read.language,
        language_confidence=read.language_confidence,
        kind=read.kind,
        kind_confidence=read.kind_confidence,
        asks=[
            {"text": a.text, "start": a.start, "end": a.end, "score": a.score} for a in read.asks
        ],
        nlp_version=read.model_version,
        sent_at=now,
        received_at=now,
    )


def _subject(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= SUBJECT_CHARS else line[: SUBJECT_CHARS - 1] + "…"


def _language(read: Understanding, page_language: str) -> str:
    known = {code for code, _ in settings.LANGUAGES}
    if read.language in known and read.language_confidence >= SURE_LANGUAGE:
        return read.language
    return page_language if page_language in known else read.language


@transaction.atomic
def do_start_chat(
    *,
    name: str,
    email: str,
    text: str,
    language: str,
    origin: str = "",
    ref: str = "",
    reader: Reader | None = None,
    now: dt.datetime | None = None,
) -> Started:
    """A new chat: the contact found or made by email, a new ticket (channel chat,
    unassigned, with its first-response target) and the first line."""
    now = now or timezone.now()
    read = read_line(text, reader)
    contact = _contact(email, name, now)
    ticket = Ticket(
        subject=_subject(text),
        contact=contact,
        channel=Channel.CHAT,
        kind=read.kind,
        language=_language(read, language),
        created_at=now,
        updated_at=now,
    )
    set_due(ticket, now)
    ticket.save()
    token = secrets.token_urlsafe(32)
    chat = ChatSession.objects.create(
        ticket=ticket,
        token_hash=hash_token(token),
        visitor_name=name,
        visitor_email=email,
        language=ticket.language,
        origin=origin[:300],
        created_at=now,
    )
    first = inbound_message(chat, text, read, now)
    first.save()
    events.ticket_created(ticket, first.pk, reason="live chat started", at=now).save()
    return Started(chat, token, line_payload(first, chat.pk, ref))


def set_chat_status(
    ticket: Ticket, status: str, *, reason: str, at: dt.datetime, actor_pk: int | None = None
) -> None:
    old = ticket.status
    if old == status:
        return
    ticket.status = status
    if status in (Ticket.Status.SOLVED, Ticket.Status.CLOSED):
        ticket.solved_at = ticket.solved_at or at
    else:
        ticket.solved_at = None
    Ticket.objects.filter(pk=ticket.pk).update(status=status, solved_at=ticket.solved_at)
    events.status_changed(
        ticket, old=old, new=status, reason=reason, at=at, actor_label=ACTOR, actor_pk=actor_pk
    ).save()


def _take(chat: ChatSession, agent: AbstractBaseUser, now: dt.datetime) -> bool:
    """The agent answers this chat: the ticket is theirs. False if it was already."""
    ticket, changed = chat.ticket, False
    if ticket.assignee_id != agent.pk:
        ticket.assignee_id = agent.pk
        Ticket.objects.filter(pk=ticket.pk).update(assignee_id=agent.pk, updated_at=now)
        events.assigned(ticket, agent.pk, reason="took the chat", at=now, actor_pk=agent.pk).save()
        changed = True
    if chat.status == ChatSession.Status.WAITING or chat.agent_id != agent.pk:
        chat.status, chat.agent_id = ChatSession.Status.ACTIVE, agent.pk
        chat.save(update_fields=["status", "agent"])
        changed = True
    if ticket.status == Ticket.Status.NEW:
        set_chat_status(ticket, Ticket.Status.OPEN, reason="chat taken", at=now, actor_pk=agent.pk)
    return changed


@transaction.atomic
def do_take(chat: ChatSession, agent: AbstractBaseUser, now: dt.datetime | None = None) -> bool:
    """The agent takes the chat (access checked by the caller: check_agent_chat)."""
    if chat.status == ChatSession.Status.ENDED:
        raise ChatError(ChatErrorCode.ENDED)
    return _take(chat, agent, now or timezone.now())


@transaction.atomic
def do_agent_line(
    chat: ChatSession,
    agent: AbstractBaseUser,
    text: str,
    *,
    ref: str = "",
    now: dt.datetime | None = None,
) -> tuple[dict[str, Any], bool]:
    """Store the agent's line (access checked by the caller); an agent who answers a
    waiting chat takes it. Returns the line and whether the chat changed hands (the
    other agents' lists need to know)."""
    return agent_line(chat, agent, text, ref, now or timezone.now())


def agent_line(
    chat: ChatSession, agent: AbstractBaseUser, text: str, ref: str, now: dt.datetime
) -> tuple[dict[str, Any], bool]:
    if chat.status == ChatSession.Status.ENDED:
        raise ChatError(ChatErrorCode.ENDED)
    taken = _take(chat, agent, now)
    ticket = chat.ticket
    reply = Message.objects.create(
        ticket=ticket,
        direction=Message.Direction.OUTBOUND,
        channel=Channel.CHAT,
        author_id=agent.pk,
        message_id=_message_id(),
        subject=ticket.subject,
        to=[chat.visitor_email],
        text=text,
        new_text=text,
        language=ticket.language,
        sent_at=now,
        received_at=now,
    )
    if ticket.first_response_at is None:
        # The first answer is the milestone reports count (first-response time).
        ticket.first_response_at = now
        events.replied(ticket, reply, actor_pk=int(agent.pk), at=now).save()
    Ticket.objects.filter(pk=ticket.pk).update(
        updated_at=now, first_response_at=ticket.first_response_at
    )
    return line_payload(reply, chat.pk, ref, author=agent), taken


@transaction.atomic
def do_end(
    chat: ChatSession, *, by: AbstractBaseUser | None = None, now: dt.datetime | None = None
) -> bool:
    """End the chat (the visitor left, or the agent closed it). A chat whose last line is
    the agent's is solved; one that ends on the customer's words stays open, with its
    first-response clock, for an answer by email. False if it had ended already."""
    now = now or timezone.now()
    chat = ChatSession.objects.select_related("ticket").select_for_update().get(pk=chat.pk)
    if chat.status == ChatSession.Status.ENDED:
        return False
    chat.status, chat.ended_at = ChatSession.Status.ENDED, now
    chat.save(update_fields=["status", "ended_at"])
    last = (
        chat.ticket.messages.exclude(direction=Message.Direction.NOTE)
        .order_by("-sent_at", "-pk")
        .values_list("direction", flat=True)
        .first()
    )
    if last == Message.Direction.OUTBOUND:
        actor = int(by.pk) if by is not None else None
        set_chat_status(
            chat.ticket, Ticket.Status.SOLVED, reason="chat ended", at=now, actor_pk=actor
        )
    return True


def do_leave_message(
    *, name: str, email: str, subject: str, text: str, language: str
) -> tuple[str, str]:
    """No agent online: the message becomes a ticket through the contact form's path
    (stored raw, read, routed, acknowledged by mail). Returns (reference, message id); the
    reference is empty when the pipeline kept the message for later."""
    from answerdesk.portal.intake import Submission, do_submit

    submitted = do_submit(
        Submission(
            channel=Channel.CHAT,
            name=name,
            email=email,
            subject=subject or _subject(text),
            body=text,
            language=language,
        )
    )
    reference = submitted.ticket.reference if submitted.ticket is not None else ""
    return reference, submitted.message_id
