"""Chat lines written in batches: one transaction, one INSERT and one commit for every line
that arrived while the previous batch was being written (group commit, see writer.py).

With SQLite's synchronous=FULL a commit waits for the disk (about 5 ms here): one commit a
line, with the model's save() and a savepoint for each, held a process well under the
200 lines/s of bench/chat_latency.py (docs/PERFORMANCE.md). A batch that fails is written
again line by line, so one bad line costs only itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import DatabaseError, transaction

from answerdesk.chat.access import check_agent_chat
from answerdesk.chat.actions import agent_line, inbound_message, read_line, set_chat_status
from answerdesk.chat.error_codes import ChatError, ChatErrorCode
from answerdesk.chat.models import ChatSession
from answerdesk.chat.payloads import line_payload
from answerdesk.nlp.understanding import Understanding
from answerdesk.tickets.models import Message, Ticket

# A customer writing on a ticket the desk considers done or waiting: it needs an agent.
_REOPEN = (Ticket.Status.WAITING, Ticket.Status.SOLVED, Ticket.Status.CLOSED)
# Ticket.updated_at moves with a chat's lines at most this often: a line a second would
# otherwise be an UPDATE a second for an inbox that sorts by it to the minute.
_TOUCH_TICKET = dt.timedelta(seconds=30)


@dataclass(frozen=True, slots=True)
class PendingLine:
    """A visitor's line on its way, read already (the reading is done outside the
    database thread, see consumers.py)."""

    chat_pk: int
    text: str
    ref: str
    at: dt.datetime
    read: Understanding | None = None


@dataclass(frozen=True, slots=True)
class AgentLine:
    """An agent's line on its way; access is checked when its batch is written."""

    agent: AbstractBaseUser
    chat_pk: int
    text: str
    ref: str
    at: dt.datetime


@dataclass(frozen=True, slots=True)
class Written:
    line: dict[str, Any]
    taken: bool = False  # an agent's line that took a waiting chat


Job = PendingLine | AgentLine
Result = Written | Exception


def do_write_lines(
    jobs: Sequence[Job], *, after: Callable[[], object] | None = None
) -> list[Result]:
    """Store the lines; for each, the line to relay or why it was refused. `after` runs in
    the same transaction (the writer's presence heartbeats)."""
    # Before the transaction, which on SQLite holds the write lock while it runs.
    ready = [_prepare(job) for job in jobs]
    try:
        with transaction.atomic():
            results = _write(jobs, ready)
            if after is not None:
                after()
        return results
    except DatabaseError:
        if len(jobs) == 1:
            raise
    return [_one(job, after if n == 0 else None) for n, job in enumerate(jobs)]


def _one(job: Job, after: Callable[[], object] | None) -> Result:
    try:
        return do_write_lines([job], after=after)[0]
    except DatabaseError as failed:
        return failed


def _prepare(job: Job) -> Understanding | ChatSession | ChatError:
    try:
        if isinstance(job, PendingLine):
            return job.read or read_line(job.text)
        return check_agent_chat(job.agent, job.chat_pk)
    except ChatError as refused:
        return refused


def _write(
    jobs: Sequence[Job], ready: Sequence[Understanding | ChatSession | ChatError]
) -> list[Result]:
    results: list[Result | None] = [None] * len(jobs)
    chat_pks = {job.chat_pk for job in jobs if isinstance(job, PendingLine)}
    chats = {c.pk: c for c in ChatSession.objects.select_related("ticket").filter(pk__in=chat_pks)}
    # The visitors' lines: one INSERT for all.
    messages: list[tuple[int, PendingLine, ChatSession, Message]] = []
    for n, (job, prepared) in enumerate(zip(jobs, ready, strict=True)):
        if isinstance(prepared, ChatError):
            results[n] = prepared
        elif isinstance(job, PendingLine):
            assert isinstance(prepared, Understanding)
            chat = chats.get(job.chat_pk)
            if chat is None:
                results[n] = ChatError(ChatErrorCode.NO_CHAT)
            elif chat.status == ChatSession.Status.ENDED:
                results[n] = ChatError(ChatErrorCode.ENDED)
            else:
                messages.append((n, job, chat, inbound_message(chat, job.text, prepared, job.at)))
    Message.objects.bulk_create([m for *_, m in messages])
    stale: set[int] = set()
    for n, job, chat, message in messages:
        ticket = chat.ticket
        if ticket.status in _REOPEN:
            # An agent marked it solved while the visitor was still writing.
            set_chat_status(
                ticket, Ticket.Status.OPEN, reason="the customer wrote again", at=job.at
            )
        if job.at - ticket.updated_at >= _TOUCH_TICKET:
            ticket.updated_at = job.at
            stale.add(ticket.pk)
        results[n] = Written(line_payload(message, chat.pk, job.ref))
    if stale:
        Ticket.objects.filter(pk__in=stale).update(updated_at=max(j.at for j in jobs))
    # The agents' lines: fewer, each with its own savepoint.
    for n, (job, prepared) in enumerate(zip(jobs, ready, strict=True)):
        if isinstance(job, AgentLine) and isinstance(prepared, ChatSession):
            try:
                with transaction.atomic():
                    line, taken = agent_line(prepared, job.agent, job.text, job.ref, job.at)
                results[n] = Written(line, taken)
            except ChatError as refused:
                results[n] = refused
    assert all(r is not None for r in results)
    return [r for r in results if r is not None]
