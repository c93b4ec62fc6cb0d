"""Signed links that let a customer follow their ticket without an account.

The link names the ticket and its link version, signed with the site's secret and stamped
with the time it was made: it cannot be forged or pointed at another ticket, it expires
(ANSWERDESK_STATUS_LINK_DAYS), and raising the ticket's version revokes every link issued
before (a customer forwarded theirs by mistake, say).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core import signing
from django.urls import reverse

from answerdesk.tickets.models import Ticket

_STATUS_SALT = "answerdesk.tickets.status-link"
_SURVEY_SALT = "answerdesk.tickets.survey-link"
MAX_TOKEN_CHARS = 300  # far above a real token; refused unread beyond


class LinkRefused(Exception):
    """The link is forged, expired or revoked; the message says which, for the visitor."""


def status_token(ticket: Ticket) -> str:
    return _sign(ticket, _STATUS_SALT)


def survey_token(ticket: Ticket) -> str:
    return _sign(ticket, _SURVEY_SALT)


def status_url(ticket: Ticket) -> str:
    path = reverse("portal:status", args=[status_token(ticket)])
    return settings.ANSWERDESK_PUBLIC_URL.rstrip("/") + path


def survey_url(ticket: Ticket) -> str:
    path = reverse("portal:survey", args=[survey_token(ticket)])
    return settings.ANSWERDESK_PUBLIC_URL.rstrip("/") + path


def ticket_for_status(token: str, *, max_age: dt.timedelta | None = None) -> Ticket:
    return _open(token, _STATUS_SALT, max_age)


def ticket_for_survey(token: str, *, max_age: dt.timedelta | None = None) -> Ticket:
    return _open(token, _SURVEY_SALT, max_age)


def revoke_links(ticket: Ticket) -> None:
    """Every status and survey link issued so far stops working; new ones work."""
    ticket.status_link_version += 1
    ticket.save(update_fields=["status_link_version"])


def _sign(ticket: Ticket, salt: str) -> str:
    signer = signing.TimestampSigner(salt=salt)
    return signer.sign_object({"t": ticket.pk, "v": ticket.status_link_version}, compress=True)


def _open(token: str, salt: str, max_age: dt.timedelta | None) -> Ticket:
    if len(token) > MAX_TOKEN_CHARS:
        raise LinkRefused("forged")
    if max_age is None:
        max_age = dt.timedelta(days=settings.ANSWERDESK_STATUS_LINK_DAYS)
    try:
        values = signing.TimestampSigner(salt=salt).unsign_object(token, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise LinkRefused("expired") from exc
    except (signing.BadSignature, ValueError) as exc:
        raise LinkRefused("forged") from exc
    if not isinstance(values, dict) or not isinstance(values.get("t"), int):
        raise LinkRefused("forged")
    ticket = Ticket.objects.filter(pk=values["t"]).first()
    if ticket is None:
        raise LinkRefused("forged")
    if values.get("v") != ticket.status_link_version:
        raise LinkRefused("revoked")
    return ticket
