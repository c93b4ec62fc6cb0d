"""The thread the chat's database work runs in, and its connection, kept open.

asgiref runs every thread-sensitive call of a process without a request around it (the
consumers' calls) in one thread. channels' database_sync_to_async closes that thread's
connection before and after every call (CONN_MAX_AGE is 0), and on SQLite closing the last
connection checkpoints the WAL: measured under bench/chat_latency.py, closing and reopening
took a third of that thread's time, and lines queued behind it for seconds. Here the
connection stays open, and is replaced only when it no longer works.

On SQLite the chat's commits also leave WAL checkpoints to a thread of their own, as the
import does (answerdesk/sqlite_checkpoints.py): a commit that happens to pass the WAL's
1,000 pages would otherwise copy them into the database and sync it while every chat line
of the process waits.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from asgiref.sync import sync_to_async
from django.db import connection

P = ParamSpec("P")
R = TypeVar("R")
CHECKPOINT_SECONDS = 0.5
_checkpointer: threading.Thread | None = None


def _checkpoint_forever(name: str) -> None:
    db = sqlite3.connect(name, timeout=30)
    try:
        while True:
            time.sleep(CHECKPOINT_SECONDS)
            # PASSIVE never blocks a writer; the sqlite3 module releases the GIL meanwhile.
            db.execute("PRAGMA wal_checkpoint(PASSIVE)")
    finally:
        db.close()


def _checkpoints_elsewhere() -> None:
    global _checkpointer
    name = str(connection.settings_dict["NAME"])
    # An in-memory database (the test suite's) has no WAL and cannot be opened twice.
    if connection.vendor != "sqlite" or name == ":memory:" or "mode=memory" in name:
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint=0")
    if _checkpointer is None or not _checkpointer.is_alive():
        _checkpointer = threading.Thread(
            target=_checkpoint_forever, args=(name,), name="chat-wal-checkpoint", daemon=True
        )
        _checkpointer.start()


def _usable_connection() -> None:
    if connection.connection is not None and not connection.is_usable():
        connection.close()
    if connection.connection is None:
        connection.ensure_connection()
        _checkpoints_elsewhere()


def _call(func: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    _usable_connection()
    return func(*args, **kwargs)


async def in_db_thread(func: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Run `func` (database work) in the chat's database thread."""
    return await sync_to_async(_call, thread_sensitive=True)(func, *args, **kwargs)
