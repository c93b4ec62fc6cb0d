"""Mail intake operations: accept raw bytes durably, process them, replay the quarantine."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from answerdesk.blob_store import BlobStore
from answerdesk.bulk_rows import build, insert_rows
from answerdesk.mail.models import RawMessage
from answerdesk.mail.pipeline.parse import parse
from answerdesk.mail.pipeline.runner import Parsed, write


@dataclass
class Accepted:
    """What do_accept did with a batch of raw messages."""

    # Stored now, or stored earlier but never processed (a crash): to process.
    pending: list[tuple[RawMessage, bytes]] = field(default_factory=list)
    # The same bytes were already stored and processed: nothing to do.
    known: int = 0


def do_accept(
    items: Iterable[tuple[str, bytes]], *, received_at: dt.datetime | None = None
) -> Accepted:
    """Store raw messages byte-exact, committed, before anything parses them.

    Identical bytes are stored once (by sha256), which makes a second import harmless.
    """
    received_at = received_at or timezone.now()
    hashed = [(source, data, hashlib.sha256(data).hexdigest()) for source, data in items]
    existing = RawMessage.objects.defer("data").in_bulk(
        {sha for _, _, sha in hashed}, field_name="sha256"
    )
    accepted = Accepted()
    new_rows: list[RawMessage] = []
    seen: set[str] = set()
    for source, data, sha in hashed:
        row = existing.get(sha)
        if sha in seen or (row is not None and row.state != RawMessage.State.RECEIVED):
            accepted.known += 1
            continue
        seen.add(sha)
        if row is None:
            row = build(
                RawMessage,
                sha256=sha,
                size=len(data),
                data=data,
                source=source[:1024],
                received_at=received_at,
            )
            new_rows.append(row)
        accepted.pending.append((row, data))
    try:
        with transaction.atomic():
            insert_rows(new_rows)
    except IntegrityError:
        # Another process stored some of the same bytes meanwhile: take its rows.
        for row in new_rows:
            stored, _ = RawMessage.objects.defer("data").get_or_create(
                sha256=row.sha256,
                defaults={
                    "size": row.size,
                    "data": row.data,
                    "source": row.source,
                    "received_at": row.received_at,
                },
            )
            row.pk, row.state = stored.pk, stored.state
        accepted.pending = [
            (r, d) for r, d in accepted.pending if r.state == RawMessage.State.RECEIVED
        ]
    return accepted


def parse_one(raw: RawMessage, data: bytes, store: BlobStore) -> Parsed:
    limit = settings.ANSWERDESK_MAX_MESSAGE_BYTES
    return parse(data, raw.sha256, raw.received_at, limit, store, raw.source)


def do_process(
    pending: Sequence[tuple[RawMessage, bytes]],
    *,
    store: BlobStore,
    parsed: Sequence[Parsed] | None = None,
    now: dt.datetime | None = None,
) -> Counter[str]:
    """Run the pipeline on accepted messages (parsing them here unless `parsed` is given)."""
    if parsed is None:
        parsed = [parse_one(raw, data, store) for raw, data in pending]
    items = [(raw, result) for (raw, _), result in zip(pending, parsed, strict=True)]
    return write(items, store=store, now=now or timezone.now())


def do_process_pending(*, store: BlobStore, limit: int = 100) -> int:
    """Process the oldest messages still waiting; returns how many were taken."""
    waiting = list(
        RawMessage.objects.filter(state=RawMessage.State.RECEIVED).order_by("received_at", "pk")[
            :limit
        ]
    )
    if waiting:
        do_replay(waiting, store=store)
    return len(waiting)


def do_replay(raws: Iterable[RawMessage], *, store: BlobStore) -> Counter[str]:
    """Process stored raw messages again (the quarantine, or rows left RECEIVED by a crash)."""
    pending = [(raw, bytes(raw.data)) for raw in raws]
    if not pending:
        return Counter()
    return do_process(pending, store=store)
