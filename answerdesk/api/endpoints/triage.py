"""What the desk read in a message, and agents' corrections of it; the completeness check."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.errors import HttpError

from answerdesk.api.auth import caller
from answerdesk.api.schemas import (
    CheckReplyIn,
    CheckReplyOut,
    ErrorOut,
    MessageId,
    TriageOut,
    TriagePatch,
)
from answerdesk.learning.actions import correct
from answerdesk.replies.actions import as_json, check_reply, check_reply_to
from answerdesk.tickets.access import access_message_by_id, role_of

router = Router(tags=["triage"])


@router.get(
    "/messages/{message_id}/triage",
    response={200: TriageOut, 404: ErrorOut},
    summary="The message's language, kind and asks, with confidences and model version",
)
def get_triage(request: HttpRequest, message_id: MessageId) -> TriageOut:
    return TriageOut.of(access_message_by_id(caller(request), message_id))


@router.patch(
    "/messages/{message_id}/triage",
    response={200: TriageOut, 400: ErrorOut, 404: ErrorOut},
    summary="Correct the message's language, kind or asks (the desk learns from it)",
)
def correct_triage(request: HttpRequest, message_id: MessageId, changes: TriagePatch) -> Any:
    user = caller(request)
    message = access_message_by_id(user, message_id)
    correct(message, by=user, **changes.model_dump(exclude_none=True))
    return TriageOut.of(access_message_by_id(user, message.pk))


@router.post(
    "/check-reply",
    response={200: CheckReplyOut, 403: ErrorOut, 404: ErrorOut},
    summary="Which asks a draft answers, against a message's asks or a list of asks",
)
def check_draft(request: HttpRequest, draft: CheckReplyIn) -> CheckReplyOut:
    user = caller(request)
    if draft.message is not None:
        check = check_reply_to(access_message_by_id(user, draft.message), draft.reply)
    elif role_of(user) is None:
        raise HttpError(403, "the desk's staff only")
    else:
        check = check_reply(draft.asks or [], draft.reply)
    return CheckReplyOut(**as_json(check))
