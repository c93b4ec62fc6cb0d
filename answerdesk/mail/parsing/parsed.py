"""The typed result of parsing one RFC 5322 message; plain data, no Django."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


class Flag(StrEnum):
    """Facts about a message that later steps act on (acknowledge or not, repair notes)."""

    AUTO_REPLY = "auto_reply"  # RFC 3834 Auto-Submitted, Precedence, X-Autoreply, OOO subject
    BOUNCE = "bounce"  # multipart/report DSN or null return path
    MAILING_LIST = "mailing_list"  # List-Id / List-Unsubscribe
    DATE_MISSING = "date_missing"  # no Date header: the time received is used
    DATE_INVALID = "date_invalid"  # unparseable Date header: the time received is used
    CHARSET_REPAIRED = "charset_repaired"  # a part's bytes did not match its declared charset
    # a broken RFC 2047 word or RFC 2231 parameter, or raw 8-bit header bytes, read leniently
    HEADER_REPAIRED = "header_repaired"
    BARE_LF = "bare_lf"  # lines end in LF rather than CRLF (RFC 5322 §2.3)
    MIME_DEFECT = "mime_defect"  # e.g. an unterminated multipart; what could be read was kept
    NO_MESSAGE_ID = "no_message_id"  # a stable id was derived from the raw bytes
    HTML_ONLY = "html_only"  # the text body was derived from the HTML


@dataclass(frozen=True, slots=True)
class Address:
    email: str  # lower-cased domain, local part kept as written
    name: str = ""


@dataclass(frozen=True, slots=True)
class ParsedAttachment:
    filename: str
    content_type: str
    size: int
    sha256: str  # of the decoded bytes
    payload: bytes = field(repr=False)
    inline: bool = False  # Content-Disposition inline with a Content-ID (an embedded image)
    content_id: str = ""
    # Where it came from: "" for a top-level part, "message/rfc822" for a part of an attached
    # message, "winmail.dat" for a file unpacked from a TNEF container.
    container: str = ""


@dataclass(slots=True)
class ParsedMessage:
    subject: str
    from_: Address | None
    to: list[Address]
    cc: list[Address]
    reply_to: list[Address]
    date: dt.datetime  # timezone-aware; the time received when missing or invalid (see flags)
    message_id: str  # without angle brackets; derived from the raw sha256 when missing
    in_reply_to: list[str]  # message ids without angle brackets
    references: list[str]
    headers: list[tuple[str, str]]  # every header, decoded, in order
    text: str  # the whole text body (from the HTML when there is no text part)
    html: str  # the HTML body as sent (unsanitised; render only after sanitising)
    new_text: str  # text without quoted history and signature
    attachments: list[ParsedAttachment]
    flags: set[Flag]
    defects: list[str]  # human-readable notes on what was repaired

    def header(self, name: str) -> str:
        """The first header of that name, decoded, or ""."""
        lowered = name.lower()
        return next((value for key, value in self.headers if key.lower() == lowered), "")
