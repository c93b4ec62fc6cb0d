"""The in-memory channel layer (one process, no services), with its expiry sweep made
occasional.

channels' InMemoryChannelLayer sweeps every channel and every group membership for
expired entries on each receive: with 200 chats that is about 600 entries for every line
relayed, 9% of the server's time under bench/chat_latency.py. Expiry is measured in
seconds (a minute for messages, a day for memberships), so once a second loses nothing.
"""

from __future__ import annotations

import time

from channels.layers import InMemoryChannelLayer as _Base

SWEEP_SECONDS = 1.0


class InMemoryChannelLayer(_Base):  # type: ignore[misc]  # channels has no types
    _swept = 0.0

    def _clean_expired(self) -> None:
        now = time.monotonic()
        if now - self._swept >= SWEEP_SECONDS:
            self._swept = now
            super()._clean_expired()
