"""RFC 2047 encoded words in header values, decoded leniently."""

from __future__ import annotations

import binascii
import re

from answerdesk.mail.parsing.charsets import codec_for, decode_declared

# Lenient on purpose: the closing "?=" may be missing (a word cut off by a client that
# truncated the header), and the payload may hold characters RFC 2047 §5 forbids.
_WORD = re.compile(r"=\?([^?\s]+)\?([QqBb])\?(.*?)(\?=|$)")
_BASE64_CHARS = re.compile(rb"[^A-Za-z0-9+/]")
_VALID_BASE64 = re.compile(rb"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")


def decode_base64_leniently(data: bytes) -> tuple[bytes, bool]:
    """Decoded bytes, and whether the input had to be repaired (bad characters or padding)."""
    if _VALID_BASE64.fullmatch(data):
        return binascii.a2b_base64(data), False
    cleaned = _BASE64_CHARS.sub(b"", data)
    cleaned = cleaned[: len(cleaned) - len(cleaned) % 4] if len(cleaned) % 4 == 1 else cleaned
    cleaned += b"=" * (-len(cleaned) % 4)
    try:
        return binascii.a2b_base64(cleaned), True
    except binascii.Error:  # unreachable after the clean-up above, kept as a guard
        return b"", True


def decode_words(value: str) -> tuple[str, list[str]]:
    """The value with its encoded words decoded, and notes on any that were broken."""
    if "=?" not in value:
        return value, []
    notes: list[str] = []
    pieces: list[str] = []
    pending = bytearray()
    pending_charset = ""
    last_end = 0

    def flush() -> None:
        nonlocal pending, pending_charset
        if pending_charset:
            text, problem = decode_declared(bytes(pending), pending_charset)
            if problem and codec_for(pending_charset) is not None:  # unknown ones noted below
                notes.append(f"encoded word: {problem}")
            pieces.append(text)
        pending = bytearray()
        pending_charset = ""

    for match in _WORD.finditer(value):
        between = value[last_end : match.start()]
        # RFC 2047 §6.2: white space between two adjacent encoded words is not displayed.
        if between and not (pending_charset and between.isspace()):
            flush()
            pieces.append(between)
        label, encoding, payload, closing = match.groups()
        # RFC 2231 §5 lets the charset carry a language: "utf-8*fr".
        charset = label.split("*", 1)[0].lower() or "unknown-8bit"
        if not closing:
            notes.append("unterminated encoded word")
        if codec_for(charset) is None:
            notes.append(f"unknown charset {charset[:40]!r} in encoded word")
        raw = payload.encode("utf-8")
        if encoding in "Bb":
            data, repaired = decode_base64_leniently(raw)
            if repaired:
                notes.append("invalid base64 in encoded word")
        else:
            data = binascii.a2b_qp(raw, header=True)
        # Adjacent words in one charset are joined before decoding: clients split a multi-byte
        # character across two words although RFC 2047 §5 forbids it.
        if charset != pending_charset:
            flush()
            pending_charset = charset
        pending += data
        last_end = match.end()
    flush()
    pieces.append(value[last_end:])
    return "".join(pieces), notes
