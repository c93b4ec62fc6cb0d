"""The only ways a socket gets at a chat: a visitor by the token only they hold, an agent
through answerdesk.tickets.access (the desk's one access check), on every action."""

from __future__ import annotations

import hashlib
import time
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser

from answerdesk.chat.error_codes import ChatError, ChatErrorCode
from answerdesk.chat.models import ChatSession
from answerdesk.tickets.access import role_of, visible_tickets

USER_SECONDS = 5.0
_users: dict[Any, tuple[float, AbstractBaseUser | None]] = {}


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def find_chat(token: str) -> ChatSession | None:
    """The visitor's chat, by their token (256 random bits: nothing to guess)."""
    if not token:
        return None
    found = ChatSession.objects.select_related("ticket").filter(token_hash=hash_token(token))
    return found.first()


def bound_chat(chat_pk: int) -> ChatSession:
    """The chat a visitor's socket is bound to: it presented the token when it bound."""
    return ChatSession.objects.select_related("ticket").get(pk=chat_pk)


def _fresh_user(user: AbstractBaseUser) -> AbstractBaseUser | None:
    """The user as the database has them now (their role read too): a socket lives for
    hours, and an agent who lost the role (or was deactivated) meanwhile must lose the
    chats with it. Read at most every USER_SECONDS per process: each agent line would
    otherwise cost two queries more (bench/chat_latency.py), for a change that still
    takes effect within seconds."""
    now = time.monotonic()
    cached = _users.get(user.pk)
    if cached is not None and now - cached[0] < USER_SECONDS:
        return cached[1]
    fresh = get_user_model().objects.filter(pk=user.pk, is_active=True).first()
    if fresh is not None:
        role_of(fresh)  # kept on the object
    _users[user.pk] = (now, fresh)
    return fresh


def forget_users() -> None:
    _users.clear()


def check_agent_chat(user: AbstractBaseUser, chat_pk: int) -> ChatSession:
    """The chat, if this user may see its ticket; otherwise NO_CHAT, as if it did not exist.

    The rule is answerdesk.tickets.access's (visible_tickets, which access_ticket_by_id
    applies), in the query that loads the chat.
    """
    fresh = _fresh_user(user)
    if fresh is None:
        raise ChatError(ChatErrorCode.NO_CHAT)
    chat = (
        ChatSession.objects.select_related("ticket", "agent")
        .filter(pk=chat_pk, ticket__in=visible_tickets(fresh))
        .first()
    )
    if chat is None:
        raise ChatError(ChatErrorCode.NO_CHAT)
    return chat


def agent_role(user: AbstractBaseUser) -> str:
    """The user's role on the desk as of now ("" for none)."""
    fresh = _fresh_user(user)
    role = role_of(fresh) if fresh is not None else None
    return role.value if role is not None else ""
