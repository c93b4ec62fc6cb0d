"""Spam protection without third-party services: a honeypot, a time trap, a rate limit.

A form robot fills every field, the hidden one included, and posts within a second of
loading the page; a person leaves the hidden field empty and takes longer. The form carries
the time it was served, signed, so a robot cannot claim it waited. The rate limit counts
submissions per client address and per email address in the cache (a shared cache, such as
Redis, when several processes serve the portal).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

_SALT = "answerdesk.portal.form-issued"
MIN_SECONDS = 3  # no person reads and fills a form faster
MAX_AGE_SECONDS = 24 * 3600  # a page left open longer is served again


class Refused(Exception):
    """Why the submission is refused, in words for the visitor."""


def issue_stamp(now: float | None = None) -> str:
    return signing.TimestampSigner(salt=_SALT).sign(str(int(now or time.time())))


def check_stamp(stamp: str, now: float | None = None) -> None:
    now = now or time.time()
    try:
        issued = int(
            signing.TimestampSigner(salt=_SALT).unsign(stamp[:200], max_age=MAX_AGE_SECONDS)
        )
    except signing.SignatureExpired as exc:
        raise Refused(_("This form was open too long. Please check it and send it again.")) from exc
    except (signing.BadSignature, ValueError) as exc:
        raise Refused(_("This form could not be checked. Please send it again.")) from exc
    if now - issued < MIN_SECONDS:
        raise Refused(
            _("The form was sent too quickly to be from a person. Please wait and send it again.")
        )


def check_honeypot(value: str) -> None:
    if value:
        raise Refused(_("This message looks automated and was not sent."))


@dataclass(frozen=True)
class Limit:
    per_hour: int

    def hit(self, *keys: str) -> None:
        """Count one submission for each key; refuse once any is over the limit."""
        window = int(time.time() // 3600)
        for key in keys:
            if not key:
                continue
            name = f"portal-flood:{window}:{key}"
            cache.add(name, 0, timeout=3600)
            try:
                count = cache.incr(name)
            except ValueError:  # evicted between add and incr
                cache.set(name, 1, timeout=3600)
                count = 1
            if count > self.per_hour:
                raise Refused(
                    _(
                        "Too many messages were sent from here in the last hour. "
                        "Please try again later, or write to us by email."
                    )
                )


def submission_limit() -> Limit:
    return Limit(settings.ANSWERDESK_PORTAL_MAX_PER_HOUR)
