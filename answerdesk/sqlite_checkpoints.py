"""Move SQLite's WAL checkpoints off the writer's path during a bulk import."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

# SQLite's default: checkpoint when the WAL passes 1,000 pages (4 MB).
_DEFAULT_AUTOCHECKPOINT = 1000


@contextmanager
def background_checkpoints(interval: float = 0.25) -> Iterator[None]:
    """While inside, a thread checkpoints the WAL instead of the writer's commits.

    With auto-checkpoints, nearly every 500-message commit of an import also copied the WAL
    into the database file and synced it: 40 ms a commit, with both cores otherwise idle
    waiting for the writer. A PASSIVE checkpoint never blocks the writer, and the sqlite3
    module releases the GIL while it works, so the copying overlaps with the import.
    Does nothing on other databases.
    """
    name = str(connection.settings_dict["NAME"])
    # An in-memory database (the test suite's) has no WAL and cannot be opened twice.
    if connection.vendor != "sqlite" or name == ":memory:" or "mode=memory" in name:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint=0")
    stop = threading.Event()

    def checkpoint_until_stopped() -> None:
        db = sqlite3.connect(name, timeout=30)
        try:
            while not stop.wait(interval):
                db.execute("PRAGMA wal_checkpoint(PASSIVE)")
        finally:
            db.close()

    thread = threading.Thread(target=checkpoint_until_stopped, name="wal-checkpoint", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA wal_autocheckpoint={_DEFAULT_AUTOCHECKPOINT}")
