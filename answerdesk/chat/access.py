"""The only ways a socket gets at a chat: a visitor by the token only they hold, an agent
through answerdesk.tickets.access (the desk's one access check), read afresh each time."""

from __future__ import annotations

import hashlib

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.http import Http404

from answerdesk.chat.error_codes import ChatError, ChatErrorCode
from answerdesk.chat.models import ChatSession
from answerdesk.tickets.access import access_ticket_by_id, role_of


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
    """The user as the database has them now: a socket lives for hours, and an agent who
    lost the role (or was deactivated) meanwhile must lose the chats with it."""
    return get_user_model().objects.filter(pk=user.pk, is_active=True).first()


def check_agent_chat(user: AbstractBaseUser, chat_pk: int) -> ChatSession:
    """The chat, if this user may see its ticket; otherwise NO_CHAT, as if it did not exist."""
    fresh = _fresh_user(user)
    if fresh is None:
        raise ChatError(ChatErrorCode.NO_CHAT)
    ticket_pk = ChatSession.objects.filter(pk=chat_pk).values_list("ticket_id", flat=True).first()
    try:
        ticket = access_ticket_by_id(fresh, ticket_pk)
    except Http404:
        raise ChatError(ChatErrorCode.NO_CHAT) from None
    chat = ChatSession.objects.select_related("agent").get(pk=chat_pk)
    chat.ticket = ticket
    return chat


def agent_role(user: AbstractBaseUser) -> str:
    """The user's role on the desk as of now ("" for none)."""
    fresh = _fresh_user(user)
    role = role_of(fresh) if fresh is not None else None
    return role.value if role is not None else ""
