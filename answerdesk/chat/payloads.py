"""What the sockets send: a chat line, a transcript, a chat as the desk's list shows it,
and the first frame each side gets. Reads only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from answerdesk.chat import presence
from answerdesk.chat.models import ChatSession
from answerdesk.tickets.access import visible_tickets
from answerdesk.tickets.models import Message


def display_name(user: AbstractBaseUser | None) -> str:
    if user is None:
        return ""
    return str(getattr(user, "first_name", "") or user.get_username())


def line_payload(
    message: Message, chat_pk: int, ref: str = "", author: AbstractBaseUser | None = None
) -> dict[str, Any]:
    """A line as both sides receive it (the visitor's consumer drops the asks). `ref` is
    the sender's own id for it, echoed so its page can mark the line sent; `author`, the
    agent who wrote it when the caller has them at hand."""
    outbound = message.direction == Message.Direction.OUTBOUND
    if outbound and author is None:
        author = message.author
    return {
        "id": message.pk,
        "chat": chat_pk,
        "from": "agent" if outbound else "visitor",
        "name": display_name(author) if outbound else message.from_name,
        "text": message.text,
        "at": message.sent_at.isoformat(),
        "asks": [str(a["text"]) for a in message.asks],
        "ref": ref,
    }


def for_visitor(line: dict[str, Any]) -> dict[str, Any]:
    """What the models read in the visitor's words is for the desk only."""
    return {k: v for k, v in line.items() if k != "asks"}


def transcript(chat: ChatSession, *, for_agent: bool) -> list[dict[str, Any]]:
    lines = chat.ticket.messages.exclude(direction=Message.Direction.NOTE).select_related("author")
    rows = [line_payload(m, chat.pk) for m in lines.order_by("sent_at", "pk")]
    return rows if for_agent else [for_visitor(row) for row in rows]


def summary(chat: ChatSession, *, visitor_online: bool) -> dict[str, Any]:
    """A chat as the desk's list shows it."""
    ticket = chat.ticket
    return {
        "chat": chat.pk,
        "ticket": ticket.pk,
        "reference": ticket.reference,
        "status": chat.status,
        "name": chat.visitor_name,
        "email": chat.visitor_email,
        "subject": ticket.subject,
        "language": chat.language,
        "origin": chat.origin,
        "since": chat.created_at.isoformat(),
        "assignee": ticket.assignee_id,
        "agent": display_name(chat.agent),
        "visitor_online": visitor_online,
    }


def chat_summary(chat_pk: int, now: dt.datetime) -> dict[str, Any]:
    chat = ChatSession.objects.select_related("ticket", "agent").get(pk=chat_pk)
    return summary(chat, visitor_online=presence.visitor_online(chat_pk, now))


def agent_chats(user: AbstractBaseUser, now: dt.datetime) -> list[dict[str, Any]]:
    """The waiting and active chats this user may see, oldest first."""
    chats = list(
        ChatSession.objects.filter(ticket__in=visible_tickets(user))
        .exclude(status=ChatSession.Status.ENDED)
        .select_related("ticket", "agent")
        .order_by("created_at", "pk")[:500]
    )
    online = presence.visitors_online([c.pk for c in chats], now)
    return [summary(c, visitor_online=c.pk in online) for c in chats]


def visitor_chat(chat: ChatSession) -> dict[str, Any]:
    """The visitor's chat when they come back to it (another page, a reconnection)."""
    return {
        "status": chat.status,
        "reference": chat.ticket.reference,
        "name": chat.visitor_name,
        "agent": display_name(chat.agent),
        "lines": transcript(chat, for_agent=False),
    }


def agent_chat(chat: ChatSession, now: dt.datetime) -> dict[str, Any]:
    """A chat the agent opens: its summary and every line, with the asks."""
    return {
        "chat": summary(chat, visitor_online=presence.visitor_online(chat.pk, now)),
        "lines": transcript(chat, for_agent=True),
    }
