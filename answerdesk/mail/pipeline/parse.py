"""Step: parse the raw bytes (pure; runs in the worker processes of a batch import)."""

from __future__ import annotations

import datetime as dt

from answerdesk.mail.parsing import parse_message
from answerdesk.mail.parsing.parsed import ParsedMessage
from answerdesk.mail.pipeline.context import Quarantine


def parse(data: bytes, received_at: dt.datetime, max_bytes: int) -> ParsedMessage | Quarantine:
    """Parse one message, or say why it must be quarantined; never raises.

    Returned rather than raised because it crosses a process boundary in a batch import.
    """
    if len(data) > max_bytes:
        return Quarantine(f"message is {len(data):,} bytes, over the limit of {max_bytes:,}")
    try:
        return parse_message(data, received_at)
    except Exception as exc:  # the parser is built never to raise; if it does, keep the mail
        return Quarantine(f"parse failed: {type(exc).__name__}: {exc}")
