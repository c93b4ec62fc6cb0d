"""Check a draft reply against the asks of a message: which are answered, which are not.

Used by the composer's JSON endpoint (views.py), by `answerdesk check-reply`, and by the
barometer's scoring, through `check_reply`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from answerdesk.nlp.completeness import CompletenessModel, ReplyCheck, bundled_checker
from answerdesk.tickets.models import Message


def check_reply(
    asks: Sequence[str], reply: str, checker: CompletenessModel | None = None
) -> ReplyCheck:
    return (checker or bundled_checker()).check(asks, reply)


def check_reply_to(
    message: Message, reply: str, checker: CompletenessModel | None = None
) -> ReplyCheck:
    """Against the message's asks as stored (detected, or corrected by an agent)."""
    return check_reply([a["text"] for a in message.asks], reply, checker)


def as_json(check: ReplyCheck) -> dict[str, Any]:
    return {
        "asks": [
            {
                "ask": v.ask,
                "answered": v.answered,
                "confidence": v.confidence,
                "evidence": v.evidence,
            }
            for v in check.verdicts
        ],
        "answered": [v.answered for v in check.verdicts],
        "evidence": [v.evidence for v in check.verdicts],
        "complete": check.complete,
        "truncated": check.truncated,
    }
