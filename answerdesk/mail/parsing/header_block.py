"""The header section of a message or MIME part: split from the body, unfolded, made text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from answerdesk.mail.parsing.charsets import decode_utf8_lenient
from answerdesk.mail.parsing.findings import Findings
from answerdesk.mail.parsing.parsed import Flag

# RFC 5322 §3.6.8: a field name is printable US-ASCII except the colon.
_FIELD_NAME = re.compile(rb"[!-9;-~]+")
# One whole field: name, colon, value and its folded continuation lines (RFC 5322 §2.2).
_FIELD = re.compile(r"([!-9;-~]+)[ \t]*:(.*(?:\n[ \t].*)*)(?:\n|\Z)")


@dataclass(slots=True)
class HeaderBlock:
    # Names as written; values unfolded (RFC 5322 §2.2.3) but not yet RFC 2047-decoded,
    # because address lists must be split before display names are decoded.
    fields: list[tuple[str, str]]
    first: dict[str, str]  # lower-cased name -> value of its first occurrence
    body: bytes


def _header_text(name: str, value: bytes, findings: Findings) -> str:
    if value.isascii():
        return value.decode("ascii")
    # Raw 8-bit bytes are valid only in SMTPUTF8 mail (RFC 6532 §3.2); in practice they are
    # UTF-8 or windows-1252 typed by a client that skipped RFC 2047.
    try:
        text = value.decode("utf-8")
    except UnicodeDecodeError:
        findings.note(Flag.HEADER_REPAIRED, f"{name}: raw 8-bit bytes read as windows-1252")
        return decode_utf8_lenient(value)
    findings.note(Flag.HEADER_REPAIRED, f"{name}: raw 8-bit UTF-8 bytes instead of RFC 2047")
    return text


def _find_end(raw: bytes) -> tuple[int, int]:
    """(end of the header section, start of the body); the blank line may be LF or CRLF."""
    if raw.startswith(b"\n"):
        return 0, 1
    if raw.startswith(b"\r\n"):
        return 0, 2
    lf = raw.find(b"\n\n")
    crlf = raw.find(b"\n\r\n")
    if lf < 0 and crlf < 0:
        return len(raw), len(raw)
    if crlf < 0 or 0 <= lf < crlf:
        return lf, lf + 2
    return crlf, crlf + 3


def split_header_block(raw: bytes, findings: Findings) -> HeaderBlock:
    end, body_start = _find_end(raw)
    fields = _well_formed_fields(raw[:end], findings)
    if fields is None:
        fields, body_start = _lenient_fields(raw, end, body_start, findings)
    first: dict[str, str] = {}
    for name, value in fields:
        first.setdefault(name.lower(), value)
    return HeaderBlock(fields, first, raw[body_start:])


def _well_formed_fields(head: bytes, findings: Findings) -> list[tuple[str, str]] | None:
    """The fields of a UTF-8 header section made only of fields, else None (the usual case,
    so it is kept to one decode for the section and one regex match per field)."""
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return None
    fields = []
    position, size, match = 0, len(text), _FIELD.match
    while position < size:
        found = match(text, position)
        if found is None:
            return None
        name, value = found.group(1, 2)
        if "\n" in value:  # unfolding removes the line breaks only (RFC 5322 §2.2.3)
            value = value.replace("\r\n", "").replace("\n", "")
        value = value.strip()
        if not value.isascii():
            findings.note(
                Flag.HEADER_REPAIRED, f"{name}: raw 8-bit UTF-8 bytes instead of RFC 2047"
            )
        fields.append((name, value))
        position = found.end()
    return fields


def _lenient_fields(
    raw: bytes, end: int, body_start: int, findings: Findings
) -> tuple[list[tuple[str, str]], int]:
    """Line by line, for a header section with a line that is not a field or is not UTF-8."""
    fields: list[tuple[str, str]] = []
    name = b""
    chunks: list[bytes] = []
    offset = 0
    for index, full_line in enumerate(raw[:end].split(b"\n") if end else ()):
        line = full_line[:-1] if full_line.endswith(b"\r") else full_line
        line_start, offset = offset, offset + len(full_line) + 1
        if line[:1] in (b" ", b"\t"):
            if name:
                chunks.append(line)
            elif line.strip():
                findings.note(Flag.MIME_DEFECT, "a continuation line before any header field")
            continue
        colon = line.find(b":")
        field_name = line[:colon].rstrip(b" \t") if colon > 0 else b""
        if field_name and _FIELD_NAME.fullmatch(field_name):
            if name:
                fields.append(_field(name, chunks, findings))
            name, chunks = field_name, [line[colon + 1 :]]
            continue
        if index == 0 and line.startswith(b"From "):
            continue  # an mbox "From " separator line left on a single message
        # RFC 5322 §2.1: the header section is only fields; like most readers, take the first
        # line that is not one as the start of a body whose blank line was forgotten.
        findings.note(Flag.MIME_DEFECT, "header section ends without a blank line")
        body_start = line_start
        break
    if name:
        fields.append(_field(name, chunks, findings))
    return fields, body_start


def _field(raw_name: bytes, chunks: list[bytes], findings: Findings) -> tuple[str, str]:
    name = raw_name.decode("ascii")
    return name, _header_text(name, b"".join(chunks).strip(), findings)
