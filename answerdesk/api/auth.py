"""Who is calling: a bearer token (scripts, integrations) or the desk's own session.

The session is accepted so that the desk's JavaScript can call the API; like any form
post, such calls must carry the CSRF token (X-CSRFToken), since a browser sends the session
cookie to any site that asks. Bearer calls need no CSRF token: a browser never adds the
header on its own.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from answerdesk.api.actions import user_for_secret


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        return user_for_secret(token)


class DeskSession(APIKeyCookie):
    """Django's session, with CSRF checked on unsafe methods (ninja's django_auth, except
    that a caller with no session is told 401, not that its CSRF token is missing)."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any | None:
        return request.user if request.user.is_authenticated else None


def caller(request: HttpRequest) -> AbstractBaseUser:
    """The authenticated user (ninja sets request.auth before any endpoint runs)."""
    user = getattr(request, "auth", None)
    if not isinstance(user, AbstractBaseUser):
        raise TypeError("the endpoint ran without authentication")
    return user
