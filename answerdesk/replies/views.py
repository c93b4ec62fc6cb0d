"""The composer's completeness check: POST a draft, get each ask's verdict back."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.http import require_POST

from answerdesk.replies.actions import as_json, check_reply, check_reply_to
from answerdesk.tickets.access import access_message_by_id

MAX_BODY = 1_000_000


@login_required
@require_POST
def check(request: HttpRequest) -> JsonResponse:
    """Body: {"reply": "...", and "asks": ["..."] or "message": id}."""
    if len(request.body) > MAX_BODY:
        return _error("the request is larger than 1 MB", status=413)
    try:
        payload = json.loads(request.body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return _error("the body is not JSON")
    if not isinstance(payload, dict) or not isinstance(payload.get("reply"), str):
        return _error('expected an object with "reply" (text)')
    reply = payload["reply"]
    if "message" in payload:
        if not isinstance(payload["message"], int):
            return _error('"message" must be a message id (a number)')
        try:
            message = access_message_by_id(request.user, payload["message"])
        except Http404:
            return _error(f"no message {payload['message']}", status=404)
        return JsonResponse(as_json(check_reply_to(message, reply)))
    asks = payload.get("asks")
    if not isinstance(asks, list) or not all(isinstance(a, str) for a in asks):
        return _error('expected "asks" (a list of texts) or "message" (an id)')
    return JsonResponse(as_json(check_reply(asks, reply)))


def _error(text: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": text}, status=status)
