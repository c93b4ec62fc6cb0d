"""Run the write steps over a batch of parsed messages in one transaction; isolate failures."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable, Sequence

from django.conf import settings
from django.db import DatabaseError, connection, transaction

from answerdesk.blob_store import BlobStore
from answerdesk.mail.acknowledgement import AckPolicy
from answerdesk.mail.models import RawMessage
from answerdesk.mail.pipeline.acknowledge import acknowledge
from answerdesk.mail.pipeline.batch import WriteBatch
from answerdesk.mail.pipeline.contact import identify_contact
from answerdesk.mail.pipeline.context import MessageContext, Quarantine, StopPipeline
from answerdesk.mail.pipeline.dedupe import dedupe
from answerdesk.mail.pipeline.prepared import PreparedMessage
from answerdesk.mail.pipeline.route import route
from answerdesk.mail.pipeline.store import store as store_message
from answerdesk.mail.pipeline.thread import subject_ticket_ids, thread

logger = logging.getLogger(__name__)

WriteStep = Callable[[MessageContext, WriteBatch], None]

# The order matters: a duplicate stops before anything is made for it, and threading needs
# the contact (only a ticket's own customer may join it by a subject reference).
WRITE_STEPS: tuple[tuple[str, WriteStep], ...] = (
    ("dedupe", dedupe),
    ("contact", identify_contact),
    ("thread", thread),
    ("store", store_message),
    ("route", route),
    ("acknowledge", acknowledge),
)

Parsed = PreparedMessage | Quarantine


def write(
    items: Sequence[tuple[RawMessage, Parsed]],
    *,
    store: BlobStore,
    now: dt.datetime,
    steps: Sequence[tuple[str, WriteStep]] = WRITE_STEPS,
) -> Counter[str]:
    """Write a batch; returns counts of outcomes ("new", "in_reply_to", ..., "quarantined").

    If the database refuses the batch (a value no column can hold, a bug), each message is
    retried alone, so one bad message costs only itself: it is quarantined with the
    database's reason, the others go through.
    """
    as_read = {raw.pk: (raw.state, raw.attempts) for raw, _ in items}
    return _write_isolating_failures(items, as_read, store, now, steps)


def _write_isolating_failures(
    items: Sequence[tuple[RawMessage, Parsed]],
    as_read: dict[int, tuple[str, int]],
    store: BlobStore,
    now: dt.datetime,
    steps: Sequence[tuple[str, WriteStep]],
) -> Counter[str]:
    for raw, _ in items:  # a failed attempt may have changed them in memory
        raw.state, raw.attempts = as_read[raw.pk]
    try:
        with transaction.atomic():
            _serialize_writers()
            return _write(_still_waiting(items), store, now, steps)
    except DatabaseError as exc:
        if len(items) > 1:
            counts: Counter[str] = Counter()
            for item in items:
                counts += _write_isolating_failures([item], as_read, store, now, steps)
            return counts
        raw = items[0][0]
        logger.warning("message %s refused by the database: %s", raw.pk, exc)
        _reset(raw, now)
        raw.state, raw.reason = RawMessage.State.QUARANTINED, f"store failed: {exc}"
        raw.save(update_fields=["state", "reason", "processed_at", "attempts"])
        return Counter(quarantined=1)


# Any constant; it names "the ingest writer" among PostgreSQL advisory locks.
_WRITER_LOCK = 0x616E_7377_6572  # "answer"


def _serialize_writers() -> None:
    """One writer at a time, so two workers cannot both open a ticket for one thread.

    The batch's view of the database is read after this, inside the same transaction.
    SQLite needs nothing more: its IMMEDIATE transactions (settings) take the write lock at
    BEGIN. PostgreSQL takes a transaction-scoped advisory lock, released at commit.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_WRITER_LOCK])


def _still_waiting(
    items: Sequence[tuple[RawMessage, Parsed]],
) -> Sequence[tuple[RawMessage, Parsed]]:
    """Drop messages another writer processed since they were read (two workers, or a worker
    and a replay): under the writer lock, the state in the database is the truth. This is
    what makes processing idempotent: a message is processed exactly once."""
    states = dict(
        RawMessage.objects.filter(pk__in=[raw.pk for raw, _ in items]).values_list("pk", "state")
    )
    return [(raw, p) for raw, p in items if states.get(raw.pk) == raw.state]


def _reset(raw: RawMessage, now: dt.datetime) -> None:
    raw.attempts += 1
    raw.processed_at = now
    raw.reason = ""


def _write(
    items: Sequence[tuple[RawMessage, Parsed]],
    store: BlobStore,
    now: dt.datetime,
    steps: Sequence[tuple[str, WriteStep]],
) -> Counter[str]:
    batch = WriteBatch(
        store,
        now,
        ack_policy=AckPolicy(
            enabled=settings.ANSWERDESK_ACK_ENABLED,
            follow_ups=settings.ANSWERDESK_ACK_FOLLOW_UPS,
            max_per_hour=settings.ANSWERDESK_ACK_MAX_PER_HOUR,
            promise_hours=settings.ANSWERDESK_ACK_PROMISE_HOURS,
        ),
    )
    prepared = [p for _, p in items if isinstance(p, PreparedMessage)]
    batch.prefetch(prepared, [n for p in prepared for n in subject_ticket_ids(p.subject)])
    counts: Counter[str] = Counter()
    for raw, result in items:
        _reset(raw, now)
        if isinstance(result, Quarantine):
            _stop(raw, "parse", result)
            counts[raw.state] += 1
            continue
        ctx = MessageContext(raw=raw, prepared=result)
        name = ""
        try:
            for step_name, step in steps:
                name = step_name  # kept for the handlers below: which step stopped it
                step(ctx, batch)
        except StopPipeline as stop:
            _stop(raw, name, stop)
            counts[raw.state] += 1
        except Exception as exc:  # a bug in a step must not cost the other messages
            logger.exception("step %s failed on raw message %s", name, raw.pk)
            _stop(raw, name, Quarantine(f"{type(exc).__name__}: {exc}"))
            counts[raw.state] += 1
        else:
            raw.state = RawMessage.State.PROCESSED
            counts[ctx.threading] += 1
    batch.flush([raw for raw, _ in items])
    return counts


def _stop(raw: RawMessage, step: str, stop: StopPipeline) -> None:
    logger.info("raw message %s stopped by %s: %s", raw.pk, step, stop.reason)
    raw.state, raw.reason = stop.state, f"{step}: {stop.reason}"
