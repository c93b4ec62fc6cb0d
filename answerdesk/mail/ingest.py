"""Batch import: accept raw messages, parse them on every core, write them in batches."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from itertools import islice
from multiprocessing.pool import AsyncResult, Pool
from pathlib import Path

from django.conf import settings

from answerdesk.blob_store import BlobStore
from answerdesk.learning.readers import current_reader
from answerdesk.mail.actions import do_accept, do_process
from answerdesk.mail.mail_sources import SourceItem, iter_source
from answerdesk.mail.models import RawMessage
from answerdesk.mail.pipeline.parse import parse
from answerdesk.mail.pipeline.runner import Parsed
from answerdesk.nlp.warm_up import load_all
from answerdesk.sqlite_checkpoints import background_checkpoints


@dataclass
class IngestSummary:
    read: int = 0
    already_imported: int = 0  # identical bytes imported before: skipped
    outcomes: Counter[str] = field(default_factory=Counter)  # per pipeline outcome
    unreadable: list[str] = field(default_factory=list)  # sources that could not be read

    @property
    def ingested(self) -> int:
        return sum(n for k, n in self.outcomes.items() if k not in _NOT_INGESTED)

    @property
    def new_tickets(self) -> int:
        return self.outcomes["new"]

    @property
    def threaded(self) -> int:
        return self.ingested - self.new_tickets

    @property
    def duplicates(self) -> int:
        return self.outcomes[RawMessage.State.DUPLICATE]

    @property
    def quarantined(self) -> int:
        return self.outcomes[RawMessage.State.QUARANTINED]


_NOT_INGESTED = {RawMessage.State.DUPLICATE, RawMessage.State.QUARANTINED}


@cache
def _worker_store(root: Path) -> BlobStore:
    return BlobStore(root)


def _parse_job(job: tuple[bytes, str, dt.datetime, int, Path, str]) -> Parsed:
    data, sha256, received_at, limit, blob_root, source = job
    return parse(data, sha256, received_at, limit, _worker_store(blob_root), source)


def _batches(items: Iterable[SourceItem], size: int) -> Iterator[list[SourceItem]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def ingest_path(
    path: Path,
    *,
    store: BlobStore,
    workers: int | None = None,
    batch_size: int = 250,
    on_progress: Callable[[int], None] | None = None,
) -> IngestSummary:
    """Import every message under `path`; re-running it is harmless (content addresses).

    Two stages overlap: while the pool parses batch k, this process writes batch k-1, so
    both cores stay busy. workers=0 parses in this process (deterministic, for tests).
    """
    if workers is None:
        workers = os.cpu_count() or 1
    summary = IngestSummary()
    pool: Pool | None = None
    if workers > 0:
        # Load the models once, here: the forked parsers share them (copy on write)
        # instead of each spending 1.5 s loading its own.
        load_all(suggestions=False)
        current_reader()  # a retrained model, if any, loaded once for the forks too
        # Forked children only parse: they never touch the database connections they
        # inherit, and leave through os._exit, so those connections stay the parent's.
        pool = multiprocessing.get_context("fork").Pool(workers)
    try:
        with background_checkpoints():
            _run(path, store, pool, batch_size, summary, on_progress)
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    return summary


def _run(
    path: Path,
    store: BlobStore,
    pool: Pool | None,
    batch_size: int,
    summary: IngestSummary,
    on_progress: Callable[[int], None] | None,
) -> None:
    limit = settings.ANSWERDESK_MAX_MESSAGE_BYTES
    in_flight: tuple[list[tuple[RawMessage, bytes]], AsyncResult[list[Parsed]]] | None = None
    for batch in _batches(iter_source(path), batch_size):
        readable: list[tuple[str, bytes]] = []
        for source, data in batch:
            if isinstance(data, OSError):
                summary.unreadable.append(f"{source}: {data}")
            else:
                readable.append((source, data))
        summary.read += len(readable)
        accepted = do_accept(readable)
        summary.already_imported += accepted.known
        if pool is None:
            summary.outcomes += do_process(accepted.pending, store=store)
        else:
            jobs = [
                (data, raw.sha256, raw.received_at, limit, store.root, raw.source)
                for raw, data in accepted.pending
            ]
            # Chunks of 16: few enough round trips, small enough to keep both workers fed.
            job = pool.map_async(_parse_job, jobs, chunksize=16)
            if in_flight is not None:
                summary.outcomes += _finish(in_flight, store)
            in_flight = (accepted.pending, job)
        if on_progress is not None:
            on_progress(len(batch))
    if in_flight is not None:
        summary.outcomes += _finish(in_flight, store)


def _finish(
    in_flight: tuple[list[tuple[RawMessage, bytes]], AsyncResult[list[Parsed]]], store: BlobStore
) -> Counter[str]:
    pending, job = in_flight
    return do_process(pending, store=store, parsed=job.get())
