"""Who is connected: agents on the chats page, visitors in their chat.

Rows in the database (models.ChatConnection) so that every process serving websockets
sees the same presence. The browser pings every HEARTBEAT_SECONDS; a row not touched for
PRESENCE_TTL belonged to a process that died and no longer counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import IntegrityError, transaction

from answerdesk.chat.models import ChatConnection

HEARTBEAT_SECONDS = 25
PRESENCE_TTL = dt.timedelta(seconds=3 * HEARTBEAT_SECONDS + 15)


def _fresh(now: dt.datetime) -> dt.datetime:
    return now - PRESENCE_TTL


def agents_online(now: dt.datetime) -> bool:
    return ChatConnection.objects.filter(
        role=ChatConnection.Role.AGENT, seen_at__gte=_fresh(now)
    ).exists()


def visitor_online(chat_pk: int, now: dt.datetime) -> bool:
    return ChatConnection.objects.filter(
        role=ChatConnection.Role.VISITOR, chat_id=chat_pk, seen_at__gte=_fresh(now)
    ).exists()


def visitors_online(chat_pks: list[int], now: dt.datetime) -> set[int]:
    rows = ChatConnection.objects.filter(
        role=ChatConnection.Role.VISITOR, chat_id__in=chat_pks, seen_at__gte=_fresh(now)
    ).values_list("chat_id", flat=True)
    return {pk for pk in rows if pk is not None}


def do_register_agent(channel_name: str, user_pk: int, now: dt.datetime) -> bool:
    """Count this agent's socket in; True if no agent was online before it."""
    with transaction.atomic():
        before = agents_online(now)
        _save(channel_name, ChatConnection.Role.AGENT, user_pk=user_pk, chat_pk=None, now=now)
    return not before


def do_register_visitor(channel_name: str, chat_pk: int, now: dt.datetime) -> bool:
    """Count this visitor's socket in their chat; True if the visitor was not there before
    (a second tab of the same chat changes nothing for the agent)."""
    with transaction.atomic():
        before = visitor_online(chat_pk, now)
        _save(channel_name, ChatConnection.Role.VISITOR, user_pk=None, chat_pk=chat_pk, now=now)
    return not before


def _save(
    channel_name: str, role: str, *, user_pk: int | None, chat_pk: int | None, now: dt.datetime
) -> None:
    fields = {"role": role, "user_id": user_pk, "chat_id": chat_pk, "seen_at": now}
    try:
        with transaction.atomic():
            ChatConnection.objects.update_or_create(channel_name=channel_name, defaults=fields)
    except IntegrityError:
        # The same channel name registered at the same moment by a retry: it is there.
        pass


def do_unregister(channel_name: str, now: dt.datetime) -> tuple[str, int | None, bool]:
    """Forget this socket: (its role, its chat, whether it was the last of its kind — the
    last agent online, or the visitor's last tab). ("", None, False) if it was unknown."""
    with transaction.atomic():
        row = ChatConnection.objects.filter(channel_name=channel_name).first()
        if row is None:
            return "", None, False
        row.delete()
        if row.role == ChatConnection.Role.AGENT:
            return row.role, None, not agents_online(now)
        assert row.chat_id is not None
        return row.role, row.chat_id, not visitor_online(row.chat_id, now)


def do_touch_many(channel_names: Sequence[str], now: dt.datetime) -> None:
    if channel_names:
        ChatConnection.objects.filter(channel_name__in=channel_names).update(seen_at=now)


def do_forget_stale(now: dt.datetime) -> int:
    """Rows of processes that died without saying goodbye."""
    deleted, _ = ChatConnection.objects.filter(seen_at__lt=_fresh(now)).delete()
    return deleted
