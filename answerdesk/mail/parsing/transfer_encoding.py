"""Content-Transfer-Encoding (RFC 2045 §6) undone leniently: base64, quoted-printable, uuencode."""

from __future__ import annotations

import binascii

from answerdesk.mail.parsing.encoded_words import decode_base64_leniently

_IDENTITY = frozenset({"", "7bit", "8bit", "binary"})
_UUENCODE = frozenset({"x-uuencode", "uuencode", "x-uue", "uue"})


def decode_transfer(body: bytes, encoding: str) -> tuple[bytes, str]:
    """The decoded bytes, and a note when the encoding was unknown or had to be repaired."""
    encoding = encoding.strip().lower()
    if encoding in _IDENTITY:
        return body, ""
    if encoding == "base64":
        try:
            # Non-strict mode skips line breaks and stray characters, as RFC 2045 §6.8 asks.
            return binascii.a2b_base64(body), ""
        except binascii.Error:
            data, _ = decode_base64_leniently(body)
            return data, "base64 body with bad padding"
    if encoding == "quoted-printable":
        return binascii.a2b_qp(body), ""
    if encoding in _UUENCODE:
        return _decode_uuencode(body), ""
    return body, f"unknown transfer encoding {encoding[:40]!r}; kept as is"


def _decode_uuencode(body: bytes) -> bytes:
    out: list[bytes] = []
    started = False
    for line in body.splitlines():
        if not started:
            started = line.startswith(b"begin ")
            continue
        if line.strip() == b"end":
            break
        try:
            out.append(binascii.a2b_uu(line))
        except binascii.Error:
            # Some encoders pad lines with garbage; keep only as many characters as the
            # length byte announces (the same workaround as the standard library).
            count = (((line[:1] or b" ")[0] - 32) & 63) * 4 + 5
            try:
                out.append(binascii.a2b_uu(line[: count // 3]))
            except binascii.Error:
                continue
    return b"".join(out)
