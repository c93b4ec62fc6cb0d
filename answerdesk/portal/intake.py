"""Turn what a visitor typed into a message, and hand it to the same pipeline as mail.

The contact form, the staff directory, the callback request, the status page's reply form
and the chat's offline form all come through here. Writing the visitor's words down as an
ordinary RFC 5322 message means one path for everything that follows: the raw bytes are
stored before anything reads them, then language, kind and asks, threading, routing, the
SLA clock and the acknowledgement all happen exactly as for mail, and a failure leaves a
quarantined raw message that can be replayed.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from answerdesk.blob_store import BlobStore, default_store
from answerdesk.mail.actions import do_accept, do_process
from answerdesk.mail.models import RawMessage, SupportAddress
from answerdesk.mail.portal_facts import PORTAL_HEADER, PORTAL_SOURCE, portal_header
from answerdesk.tickets.models import Message, Ticket

_POLICY = SMTP.clone(max_line_length=998)


@dataclass(frozen=True, slots=True)
class Upload:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Submission:
    channel: str  # tickets.models.Channel: form, chat or phone
    name: str
    email: str  # "" when the visitor left none (a callback request may not)
    subject: str
    body: str
    language: str = ""  # the page's language, written as Content-Language
    attachments: Sequence[Upload] = ()
    agent_id: int | None = None  # the staff member chosen in the directory
    in_reply_to: str = ""  # the status page's reply form: the message answered
    references: Sequence[str] = ()


@dataclass(frozen=True, slots=True)
class Submitted:
    message_id: str
    raw: RawMessage
    # None when processing did not finish: the raw message is kept (quarantined with its
    # reason, or waiting for the worker) and the visitor is told it was received.
    ticket: Ticket | None
    message: Message | None


def support_address() -> str:
    """Where portal messages are addressed: the first active support address."""
    found = (
        SupportAddress.objects.filter(active=True).order_by("pk").values_list("email", flat=True)
    )
    return found.first() or str(settings.ANSWERDESK_DEFAULT_FROM)


def _one_line(text: str, limit: int) -> str:
    """Header-safe: no line breaks or control characters, whatever the visitor typed (C1
    controls too: str.splitlines, which the email package checks with, breaks at \x85)."""
    return re.sub(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+", " ", text).strip()[:limit]


def build_message(submission: Submission, *, to: str, at: dt.datetime) -> tuple[str, bytes]:
    """The submission as a message: its Message-ID (without brackets) and its bytes."""
    domain = to.rpartition("@")[2] or "localhost"
    message_id = f"portal.{submission.channel}.{uuid.uuid4().hex}@{domain}"
    message = EmailMessage(policy=_POLICY)
    message["Message-ID"] = f"<{message_id}>"
    message["Date"] = format_datetime(at)
    name = _one_line(submission.name, 200)
    if submission.email:
        message["From"] = Address(display_name=name, addr_spec=submission.email)
    else:
        # No address to write back to: the acknowledgement step records why none went.
        message["From"] = Address(display_name=name or "?", username="", domain="")
    message["To"] = to
    message["Subject"] = _one_line(submission.subject, 900)
    if submission.language:
        message["Content-Language"] = _one_line(submission.language, 8)
    if submission.in_reply_to:
        message["In-Reply-To"] = f"<{submission.in_reply_to}>"
        thread = [*submission.references, submission.in_reply_to][-20:]
        message["References"] = " ".join(f"<{r}>" for r in thread)
    message[PORTAL_HEADER] = portal_header(submission.channel, submission.agent_id)
    message.set_content(submission.body.replace("\r\n", "\n").replace("\x00", ""))
    for upload in submission.attachments:
        maintype, _, subtype = upload.content_type.partition("/")
        if not (maintype and subtype) or "\n" in upload.content_type:
            maintype, subtype = "application", "octet-stream"
        message.add_attachment(
            upload.data,
            maintype=maintype,
            subtype=subtype,
            filename=_one_line(upload.filename, 200) or "attachment",
        )
    return message_id, message.as_bytes()


def do_submit(
    submission: Submission,
    *,
    store: BlobStore | None = None,
    now: dt.datetime | None = None,
    with_stored: Callable[[str], None] | None = None,
) -> Submitted:
    """Store the visitor's message, then run the pipeline on it at once, so the page that
    answers the visitor can already show the ticket's reference and suggestions.

    `with_stored(message_id)` runs in the transaction that stores the raw message: what the
    caller keeps beside it (a callback request's number) is committed with it or not at all.
    """
    now = now or timezone.now()
    message_id, data = build_message(submission, to=support_address(), at=now)
    with transaction.atomic():
        accepted = do_accept([(f"{PORTAL_SOURCE}{submission.channel}", data)], received_at=now)
        if with_stored is not None:
            with_stored(message_id)
    store = store or default_store()
    do_process(accepted.pending, store=store, now=now)
    raw = accepted.pending[0][0]
    raw.refresh_from_db(fields=["state", "reason"])
    message = (
        Message.objects.select_related("ticket").filter(message_id=message_id).first()
        if raw.state == RawMessage.State.PROCESSED
        else None
    )
    return Submitted(message_id, raw, message.ticket if message else None, message)
