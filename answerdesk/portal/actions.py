"""What the portal does for visitors and what staff do with it.

Visitors: write through the contact form or to one staff member, ask for a callback,
follow and answer their ticket through its signed link, rate the answer. Staff: keep their
directory entry, log the outcome of a call. Everything a visitor sends becomes a message
through answerdesk.portal.intake, so it is stored first and handled like mail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from answerdesk.blob_store import BlobStore, default_store
from answerdesk.knowledge.actions import ArticleSuggestion, suggest
from answerdesk.portal.intake import Submission, Submitted, Upload, do_submit
from answerdesk.portal.models import CallbackRequest, DirectoryEntry
from answerdesk.portal.photos import reencode
from answerdesk.tickets import events
from answerdesk.tickets.models import (
    AgentProfile,
    Channel,
    Message,
    SatisfactionRating,
    Ticket,
)
from answerdesk.tickets.status_links import revoke_links

MAX_CALL_NOTE_CHARS = 5_000


def _uploads(files: Sequence[UploadedFile]) -> list[Upload]:
    return [
        Upload(f.name or "attachment", f.content_type or "application/octet-stream", f.read())
        for f in files
    ]


def do_contact(
    *,
    name: str,
    email: str,
    subject: str,
    message: str,
    files: Sequence[UploadedFile] = (),
    language: str = "",
    store: BlobStore | None = None,
) -> Submitted:
    return do_submit(
        Submission(
            channel=Channel.FORM,
            name=name,
            email=email,
            subject=subject,
            body=message,
            language=language,
            attachments=_uploads(files),
        ),
        store=store,
    )


def do_write_to_staff(
    entry: DirectoryEntry,
    *,
    name: str,
    email: str,
    subject: str,
    message: str,
    language: str = "",
    store: BlobStore | None = None,
) -> Submitted:
    """A message for one person of the directory: routed to them, or, while they are away,
    to the colleague who shares their topics (tickets.routing.Router.choose_person)."""
    return do_submit(
        Submission(
            channel=Channel.FORM,
            name=name,
            email=email,
            subject=subject,
            body=message,
            language=language,
            agent_id=entry.user_id,
        ),
        store=store,
    )


_CALLBACK_TEXT = {
    "fr": (
        "Demande de rappel : {topic}",
        "{name} demande à être rappelé(e) au {phone}, {when}.\n\nSujet : {topic}\n",
    ),
    "en": (
        "Callback request: {topic}",
        "{name} asks to be called back on {phone}, {when}.\n\nTopic: {topic}\n",
    ),
}


def do_request_callback(
    *,
    name: str,
    phone: str,
    email: str,
    slot: str,
    topic: str,
    preferred_date: dt.date | None,
    language: str = "",
    store: BlobStore | None = None,
) -> tuple[Submitted, CallbackRequest]:
    """A ticket on channel "phone" (its own SLA: answerdesk.sla), and the request beside it,
    committed with the raw message."""
    subject_text, body_text = _CALLBACK_TEXT["fr" if language == "fr" else "en"]
    slot_label = str(CallbackRequest.Slot(slot).label)
    when = f"{preferred_date:%Y-%m-%d}, {slot_label}" if preferred_date else slot_label
    values = {"name": name, "phone": phone, "topic": topic, "when": when}
    request = CallbackRequest(
        name=name[:200],
        phone=phone,
        preferred_date=preferred_date,
        slot=slot,
        topic=topic[:200],
    )

    def keep(message_id: str) -> None:
        request.message_id = message_id
        request.save()

    submitted = do_submit(
        Submission(
            channel=Channel.PHONE,
            name=name,
            email=email,
            subject=subject_text.format(**values),
            body=body_text.format(**values),
            language=language,
        ),
        store=store,
        with_stored=keep,
    )
    return submitted, request


def callbacks_for(ticket: Ticket) -> QuerySet[CallbackRequest]:
    ids = ticket.messages.values("message_id")
    return CallbackRequest.objects.filter(message_id__in=ids).order_by("created_at")


@transaction.atomic
def log_call(
    callback: CallbackRequest,
    ticket: Ticket,
    *,
    outcome: str,
    note: str,
    by: AbstractBaseUser,
    now: dt.datetime | None = None,
) -> None:
    """Record how the call went. Reaching the customer is the first response: the SLA
    clock of a callback stops when someone calls, not when someone writes."""
    now = now or timezone.now()
    outcome = CallbackRequest.Outcome(outcome).value  # ValueError for anything else
    callback.outcome, callback.outcome_note = outcome, note[:MAX_CALL_NOTE_CHARS]
    callback.called_at, callback.called_by_id = now, by.pk
    callback.save(update_fields=["outcome", "outcome_note", "called_at", "called_by"])
    reached = outcome in (
        CallbackRequest.Outcome.REACHED,
        CallbackRequest.Outcome.REACHED_FOLLOW_UP,
    )
    if reached and ticket.first_response_at is None:
        ticket.first_response_at = now
    ticket.updated_at = now
    ticket.save(update_fields=["first_response_at", "updated_at"])
    events.callback_logged(
        ticket, outcome=outcome, note=callback.outcome_note, actor_pk=int(by.pk), at=now
    ).save()


@dataclass(frozen=True)
class AskAnswers:
    ask: str
    found: list[ArticleSuggestion]


def suggestions_for(message: Message | None, limit: int = 3) -> list[AskAnswers]:
    """Each ask the pipeline found in the visitor's message, with the FAQ articles that may
    already answer it, confident ones only, best first."""
    if message is None or not message.asks:
        return []
    asks = [str(a["text"]) for a in message.asks]
    found = suggest(asks, limit=limit)
    return [
        AskAnswers(ask, [s for s in each if s.suggestion.confident])
        for ask, each in zip(asks, found, strict=True)
    ]


def public_thread(ticket: Ticket) -> QuerySet[Message]:
    """What the customer may see of their ticket: their messages and our replies; never the
    internal notes."""
    return ticket.messages.filter(
        direction__in=[Message.Direction.INBOUND, Message.Direction.OUTBOUND]
    ).order_by("sent_at", "pk")


def do_status_reply(ticket: Ticket, *, text: str, language: str = "") -> Submitted:
    """The customer's reply from the status page, threaded under the last message."""
    last = public_thread(ticket).last()
    email = ""
    if ticket.contact is not None:
        email = (
            ticket.contact.addresses.order_by("pk").values_list("email", flat=True).first() or ""
        )
    name = ticket.contact.name if ticket.contact else ""
    return do_submit(
        Submission(
            channel=Channel.FORM,
            name=name,
            email=email,
            subject=f"Re: {ticket.subject} [{ticket.reference}]",
            body=text,
            language=language,
            in_reply_to=last.message_id if last else "",
            references=list(last.references) if last else [],
        )
    )


@transaction.atomic
def do_rate(
    ticket: Ticket, *, score: int, comment: str, now: dt.datetime | None = None
) -> SatisfactionRating:
    now = now or timezone.now()
    if not 1 <= score <= 5:
        raise ValueError("score out of 1..5")
    rating, _ = SatisfactionRating.objects.update_or_create(
        ticket=ticket, defaults={"score": score, "comment": comment[:2000], "rated_at": now}
    )
    events.rated(ticket, score=score, comment=rating.comment, at=now).save()
    return rating


@transaction.atomic
def do_revoke_links(
    ticket: Ticket, *, by: AbstractBaseUser, now: dt.datetime | None = None
) -> None:
    revoke_links(ticket)
    events.links_revoked(ticket, actor_pk=int(by.pk), at=now or timezone.now()).save()


# --- the staff directory ---------------------------------------------------------------


@dataclass(frozen=True)
class StaffCard:
    entry: DirectoryEntry
    topics: list[str]
    languages: list[str]
    available: bool


def _card(entry: DirectoryEntry, profile: AgentProfile | None) -> StaffCard:
    topics = [t.strip() for t in (profile.topics if profile else "").split(",") if t.strip()]
    languages = [str(x) for x in (profile.languages if profile else [])]
    return StaffCard(entry, topics, languages, bool(profile and profile.available))


def directory() -> list[StaffCard]:
    entries = list(
        DirectoryEntry.objects.filter(listed=True, user__is_active=True).select_related("user")
    )
    profiles = AgentProfile.objects.in_bulk([e.user_id for e in entries], field_name="user_id")
    return [_card(e, profiles.get(e.user_id)) for e in entries]


def listed_entry(entry_id: Any) -> StaffCard | None:
    """One person of the public directory; None for anyone not listed (never says why)."""
    try:
        pk = int(entry_id)
    except (TypeError, ValueError):
        return None
    entry = (
        DirectoryEntry.objects.filter(pk=pk, listed=True, user__is_active=True)
        .select_related("user")
        .first()
    )
    if entry is None:
        return None
    return _card(entry, AgentProfile.objects.filter(user_id=entry.user_id).first())


def entry_for(user: AbstractBaseUser) -> DirectoryEntry:
    entry = DirectoryEntry.objects.filter(user_id=user.pk).first()
    return entry or DirectoryEntry(user_id=user.pk, display_name=user.get_username())


@transaction.atomic
def save_directory_entry(
    user: AbstractBaseUser,
    *,
    listed: bool,
    display_name: str,
    job_title: str,
    bio: str,
    topics: str,
    languages: Sequence[str],
    photo: bytes | None = None,
    remove_photo: bool = False,
    store: BlobStore | None = None,
) -> DirectoryEntry:
    """The staff member's own public entry, and the topics and languages their tickets are
    routed by. A photo is re-encoded (PhotoRefused if it is not one)."""
    entry = entry_for(user)
    entry.listed, entry.display_name = listed, display_name[:100]
    entry.job_title, entry.bio = job_title[:100], bio[:1000]
    if photo is not None:
        store = store or default_store()
        entry.photo_sha256 = store.put(reencode(photo))
    elif remove_photo:
        entry.photo_sha256 = ""
    entry.updated_at = timezone.now()
    entry.save()
    profile, _ = AgentProfile.objects.get_or_create(user_id=user.pk)
    profile.topics, profile.languages = topics[:2000], [x for x in languages if x in ("fr", "en")]
    profile.save(update_fields=["topics", "languages"])
    return entry
