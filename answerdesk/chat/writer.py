"""Group commit for chat lines: every line that arrives while a batch is being written
goes into the next batch, one transaction and one commit for all of them. The presence
heartbeats of the sockets ride along in the same commit.

Per event loop (one per process under uvicorn). Each line's sender awaits its own result:
the stored line to relay, or the reason it was refused.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable, Sequence

from django.utils import timezone

from answerdesk.chat import presence
from answerdesk.chat.db_thread import in_db_thread
from answerdesk.chat.line_store import Job, Result, Written, do_write_lines

# Enough to drain a burst in a few commits; small enough that one batch's reading (about
# 1 ms a line) keeps the first line of the batch waiting little.
MAX_BATCH = 50
Store = Callable[[Sequence[Job], Sequence[str]], list[Result]]


def store_batch(jobs: Sequence[Job], touched: Sequence[str]) -> list[Result]:
    return do_write_lines(jobs, after=lambda: presence.do_touch_many(touched, timezone.now()))


class LineWriter:
    def __init__(self, store: Store = store_batch) -> None:
        self.store = store
        self.pending: list[tuple[Job, asyncio.Future[Written]]] = []
        self.touched: set[str] = set()
        self.flushing: asyncio.Task[None] | None = None

    def touch(self, channel_name: str) -> None:
        """This socket is alive: recorded with the next batch (no commit of its own)."""
        self.touched.add(channel_name)
        self._start()

    def _start(self) -> None:
        if self.flushing is None:
            self.flushing = asyncio.create_task(self._flush())

    async def write(self, line: Job) -> Written:
        future: asyncio.Future[Written] = asyncio.get_running_loop().create_future()
        self.pending.append((line, future))
        self._start()
        return await future

    async def _flush(self) -> None:
        try:
            while self.pending or self.touched:
                batch, self.pending = self.pending[:MAX_BATCH], self.pending[MAX_BATCH:]
                touched, self.touched = sorted(self.touched), set()
                try:
                    results = await in_db_thread(self.store, [line for line, _ in batch], touched)
                except Exception as failed:  # the whole batch: each sender hears it
                    results = [failed] * len(batch)
                for (_, future), result in zip(batch, results, strict=True):
                    if future.done():  # its sender went away
                        continue
                    if isinstance(result, Exception):
                        future.set_exception(result)
                    else:
                        future.set_result(result)
        finally:
            self.flushing = None


_writers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, LineWriter] = (
    weakref.WeakKeyDictionary()
)


def line_writer() -> LineWriter:
    """This event loop's writer."""
    loop = asyncio.get_running_loop()
    writer = _writers.get(loop)
    if writer is None:
        writer = _writers[loop] = LineWriter()
    return writer
