"""Issue, revoke and check API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q
from django.utils import timezone

from answerdesk.api.models import ApiToken

# "adk_" tells a leaked secret apart in logs and secret scanners; 32 random bytes after it.
SECRET_PREFIX = "adk_"
SHOWN_CHARS = 12  # "adk_" and 8 random characters: enough to tell tokens apart
MAX_SECRET_CHARS = 100
# last_used_at is written at most once a minute per token, not on every request.
LAST_USED_GRANULARITY = dt.timedelta(minutes=1)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def issue_token(user: AbstractBaseUser, name: str = "", *, now: dt.datetime | None = None) -> str:
    """Make a token for this user and return its secret: the only time it is ever seen."""
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user_id=user.pk,
        name=name[:100],
        prefix=secret[:SHOWN_CHARS],
        key_sha256=hash_secret(secret),
        created_at=now or timezone.now(),
    )
    return secret


def revoke_token(token: ApiToken, *, now: dt.datetime | None = None) -> None:
    if token.revoked_at is None:
        token.revoked_at = now or timezone.now()
        token.save(update_fields=["revoked_at"])


def user_for_secret(secret: str, *, now: dt.datetime | None = None) -> Any | None:
    """The active user a live token belongs to, or None; notes when the token was used."""
    if not secret.startswith(SECRET_PREFIX) or len(secret) > MAX_SECRET_CHARS:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_sha256=hash_secret(secret), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = now or timezone.now()
    ApiToken.objects.filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_GRANULARITY),
        pk=token.pk,
    ).update(last_used_at=now)
    return token.user
