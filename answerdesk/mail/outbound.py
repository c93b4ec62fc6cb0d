"""Outbound mail: compose with threading headers, queue, deliver with retries and backoff."""

from __future__ import annotations

import contextlib
import datetime as dt
import smtplib
import ssl
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime, make_msgid
from typing import Protocol

from django.db import transaction

from answerdesk.mail.models import OutboundMessage
from answerdesk.tickets import events
from answerdesk.tickets.models import Ticket

# Seconds to wait before attempt 2, 3, ...: about 18 hours in all, the order of what MTAs
# do (RFC 5321 §4.5.4.1 suggests giving up after 4-5 days; a desk's answer is stale sooner).
BACKOFF = (60, 300, 900, 3600, 4 * 3600, 12 * 3600)


class TemporaryFailure(Exception):
    """4xx or a network error: try again later."""


class PermanentFailure(Exception):
    """5xx: the message will never be accepted."""


class Transport(Protocol):
    def send(self, mail_from: str, recipients: Sequence[str], data: bytes) -> None: ...


@dataclass
class SmtpTransport:
    """Sends through an SMTP relay over one connection kept open between messages.

    A connection per message (connect, EHLO, STARTTLS, AUTH, QUIT) cost more than the rest
    of an acknowledgement's path; the connection is reopened when the relay has closed it.
    """

    host: str
    port: int = 25
    security: str = "none"  # "none", "starttls" or "ssl"
    username: str = ""
    password: str = ""
    timeout: float = 30
    # DKIM or any other signer: bytes in, signed bytes out (e.g. dkimpy's dkim.sign).
    sign: Callable[[bytes], bytes] | None = None
    _smtp: smtplib.SMTP | None = field(default=None, init=False, repr=False)

    def send(self, mail_from: str, recipients: Sequence[str], data: bytes) -> None:
        if self.sign is not None:
            data = self.sign(data)
        try:
            try:
                refused = self._connection().sendmail(mail_from, list(recipients), data)
            except smtplib.SMTPServerDisconnected:
                self._smtp = None  # the relay closed an idle connection: once more, anew
                refused = self._connection().sendmail(mail_from, list(recipients), data)
        except smtplib.SMTPRecipientsRefused as exc:
            raise _by_code(min(code for code, _ in exc.recipients.values()), str(exc)) from exc
        except smtplib.SMTPResponseException as exc:
            raise _by_code(exc.smtp_code, str(exc)) from exc
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise TemporaryFailure(f"{type(exc).__name__}: {exc}") from exc
        if refused:
            raise PermanentFailure(f"refused: {refused}")

    def close(self) -> None:
        if self._smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self._smtp.quit()  # a polite goodbye; the connection is dropped either way
            self._smtp = None

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is None:
            context = ssl.create_default_context()
            smtp = (
                smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
                if self.security == "ssl"
                else smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            )
            if self.security == "starttls":
                smtp.starttls(context=context)
            if self.username:
                smtp.login(self.username, self.password)
            self._smtp = smtp
        return self._smtp


def _by_code(code: int, text: str) -> Exception:
    return PermanentFailure(text) if 500 <= code < 600 else TemporaryFailure(text)


@dataclass(frozen=True)
class Composed:
    message_id: str  # without angle brackets
    data: bytes


def compose(
    *,
    mail_from: str,
    to: str,
    subject: str,
    body: str,
    domain: str,
    in_reply_to: str = "",
    references: Sequence[str] = (),
    automatic: bool = False,
    at: dt.datetime,
) -> Composed:
    message = EmailMessage(policy=SMTP_POLICY)
    message_id = make_msgid(domain=domain)
    message["Message-ID"] = message_id
    message["Date"] = format_datetime(at)
    message["From"] = mail_from
    message["To"] = to
    message["Subject"] = subject
    if in_reply_to:
        message["In-Reply-To"] = f"<{in_reply_to}>"
        message["References"] = " ".join(f"<{r}>" for r in [*references, in_reply_to][-20:])
    if automatic:
        # RFC 3834 §5: marks the message as an automatic reply, so that well-behaved
        # responders (answerdesk included) do not answer it; the Microsoft header asks
        # Exchange not to send its own automatic replies to it.
        message["Auto-Submitted"] = "auto-replied"
        message["X-Auto-Response-Suppress"] = "All"
    message.set_content(body)
    return Composed(message_id.strip("<>"), message.as_bytes())


def deliver_due(transport: Transport, *, now: dt.datetime, limit: int = 50) -> Counter[str]:
    """Send what is due; reschedule temporary failures; record final failures."""
    counts: Counter[str] = Counter()
    due = OutboundMessage.objects.filter(
        state=OutboundMessage.State.QUEUED, next_attempt_at__lte=now
    ).order_by("next_attempt_at", "pk")[:limit]
    for outbound in list(due):
        if not _claim(outbound, now):
            continue  # another worker took it
        try:
            transport.send(outbound.mail_from, outbound.recipients, bytes(outbound.data))
        except (TemporaryFailure, PermanentFailure) as exc:
            final = isinstance(exc, PermanentFailure) or outbound.attempts > len(BACKOFF)
            _failed(outbound, str(exc), now, final)
            counts["failed" if final else "retry"] += 1
        else:
            outbound.state, outbound.sent_at, outbound.last_error = (
                OutboundMessage.State.SENT,
                now,
                "",
            )
            outbound.save(update_fields=["state", "sent_at", "last_error"])
            counts["sent"] += 1
    return counts


def _claim(outbound: OutboundMessage, now: dt.datetime) -> bool:
    """Take the message for this attempt: one conditional UPDATE, so two workers never
    send it twice. A worker that dies mid-send leaves it to be retried after the lease."""
    lease = now + dt.timedelta(seconds=BACKOFF[0])
    taken = OutboundMessage.objects.filter(
        pk=outbound.pk, state=OutboundMessage.State.QUEUED, attempts=outbound.attempts
    ).update(attempts=outbound.attempts + 1, next_attempt_at=lease)
    outbound.attempts += 1
    return taken == 1


def _failed(outbound: OutboundMessage, error: str, now: dt.datetime, final: bool) -> None:
    outbound.last_error = error[:2000]
    if not final:
        outbound.next_attempt_at = now + dt.timedelta(seconds=BACKOFF[outbound.attempts - 1])
        outbound.save(update_fields=["last_error", "next_attempt_at"])
        return
    with transaction.atomic():
        outbound.state = OutboundMessage.State.FAILED
        outbound.save(update_fields=["state", "last_error"])
        if outbound.ticket_id is not None:
            ticket = Ticket.objects.get(pk=outbound.ticket_id)
            events.delivery_failed(ticket, outbound, reason=error, at=now).save()
