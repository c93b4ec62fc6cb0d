"""The thread the chat's database work runs in, and its connection, kept open.

asgiref runs every thread-sensitive call of a process without a request around it (the
consumers' calls) in one thread. channels' database_sync_to_async closes that thread's
connection before and after every call (CONN_MAX_AGE is 0), and on SQLite closing the last
connection checkpoints the WAL: measured under bench/chat_latency.py, closing and reopening
took a third of that thread's time, and lines queued behind it for seconds. Here the
connection stays open, and is replaced only when it no longer works.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, TypeVar

from asgiref.sync import sync_to_async
from django.db import connection

P = ParamSpec("P")
R = TypeVar("R")


def _usable_connection() -> None:
    if connection.connection is not None and not connection.is_usable():
        connection.close()


def _call(func: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    _usable_connection()
    return func(*args, **kwargs)


async def in_db_thread(func: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Run `func` (database work) in the chat's database thread."""
    return await sync_to_async(_call, thread_sensitive=True)(func, *args, **kwargs)
