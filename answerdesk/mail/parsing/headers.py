"""Top-level header fields: decoded values, the date and the message ids."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from email.utils import parsedate_to_datetime

from answerdesk.mail.parsing.encoded_words import decode_words
from answerdesk.mail.parsing.findings import Findings
from answerdesk.mail.parsing.parsed import Flag

_MSG_ID = re.compile(r"<([^<>]*)>")
# Outside this range a Date is a client clock gone wrong (or a crafted value that would
# overflow later date arithmetic), not a time we can sort a ticket by.
_PLAUSIBLE_YEARS = range(1970, 2200)


def decode_value(name: str, value: str, findings: Findings) -> str:
    """The value with RFC 2047 encoded words decoded; broken words are noted as repairs."""
    decoded, notes = decode_words(value)
    for note in notes:
        findings.note(Flag.HEADER_REPAIRED, f"{name}: {note}")
    return decoded


def decode_fields(fields: list[tuple[str, str]], findings: Findings) -> list[tuple[str, str]]:
    return [(name, decode_value(name, value, findings)) for name, value in fields]


def read_date(value: str, received_at: dt.datetime, findings: Findings) -> dt.datetime:
    """The Date field as an aware datetime, or the time received when missing or invalid."""
    if not value.strip():
        findings.note(Flag.DATE_MISSING, "no Date header; the time received is used")
        return received_at
    try:
        parsed = parsedate_to_datetime(value)
    except (ValueError, TypeError, OverflowError, IndexError):
        parsed = None
    if parsed is None or parsed.year not in _PLAUSIBLE_YEARS:
        findings.note(Flag.DATE_INVALID, f"invalid Date {value[:60]!r}; the time received is used")
        return received_at
    if parsed.tzinfo is None:
        # RFC 5322 §3.3: "-0000" is a time in UTC whose sender's local zone is unknown.
        return parsed.replace(tzinfo=dt.UTC)
    return parsed


def first_id(value: str) -> str:
    """The first message id of a field, without angle brackets or folding white space."""
    match = _MSG_ID.search(value)
    if match:
        return "".join(match.group(1).split())
    tokens = value.split()
    return tokens[0] if tokens else ""


def id_list(value: str) -> list[str]:
    """In-Reply-To / References (RFC 5322 §3.6.4) as ids; bare ids are accepted too."""
    ids = ["".join(found.split()) for found in _MSG_ID.findall(value)]
    if not ids:
        ids = [token for token in value.replace(",", " ").split() if "@" in token]
    return list(dict.fromkeys(ident for ident in ids if ident))


def derived_message_id(raw: bytes) -> str:
    """A stable id for a message without one: the same bytes always get the same id."""
    return f"{hashlib.sha256(raw).hexdigest()}@answerdesk.invalid"
