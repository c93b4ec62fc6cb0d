"""Each agent's interface language, time zone and signature, applied on every request."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from answerdesk.tickets.models import AgentProfile

# The desk runs no inline script and loads nothing from elsewhere: even HTML that slipped
# past the sanitiser could not run. Remote images are allowed because the agent may ask
# to see them (answerdesk.desk.mail_html).
DESK_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: http: https:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def save_preferences(
    user: AbstractBaseUser, *, ui_language: str, time_zone: str, signature: str
) -> AgentProfile:
    profile, _ = AgentProfile.objects.get_or_create(user_id=user.pk)
    profile.ui_language, profile.time_zone, profile.signature = ui_language, time_zone, signature
    profile.save(update_fields=["ui_language", "time_zone", "signature"])
    return profile


class DeskMiddleware:
    """After authentication: the agent's language and time zone, and the desk's CSP."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language, zone = "", ""
        if request.user.is_authenticated:
            row = (
                AgentProfile.objects.filter(user_id=request.user.pk)
                .values_list("ui_language", "time_zone")
                .first()
            )
            language, zone = row or ("", "")
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        if zone:
            try:
                timezone.activate(zoneinfo.ZoneInfo(zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        response = self.get_response(request)
        if request.path.startswith("/desk/") and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = DESK_CSP
        timezone.deactivate()
        return response
