"""Address header fields (From, To, Cc, Reply-To) as Address values (RFC 5322 §3.4)."""

from __future__ import annotations

import re
from email.utils import getaddresses

from answerdesk.mail.parsing.encoded_words import decode_words
from answerdesk.mail.parsing.parsed import Address

# Most fields hold one plain address, with or without a display name. getaddresses handles
# every RFC 5322 form but costs ~20 µs; these two patterns cover the common cases for ~1 µs.
_ADDR = r"([^\s<>,;:\"()@\[\]\\]+@[^\s<>,;:\"()@\[\]\\]+)"
_BARE = re.compile(r"\s*<?" + _ADDR + r">?\s*")
_FAST_PATH_LIMIT = 256
_NAMED = re.compile(r'\s*(?:"([^"\\]*)"|([^"<>,;:()@\\]*?))\s*<' + _ADDR + r">\s*")


def _address(name: str, email: str) -> Address:
    local, _, domain = email.rpartition("@")
    # Broken encoded words were already noted when the whole field was decoded.
    decoded, _notes = decode_words(name)
    # RFC 5321 §2.4: the domain is case-insensitive, the local part is not.
    return Address(email=f"{local}@{domain.lower()}", name=" ".join(decoded.split()))


def parse_addresses(value: str) -> list[Address]:
    """Every address in the field; entries without an "@" (groups, junk) are dropped."""
    if not value.strip():
        return []
    # The name pattern backtracks quadratically on long runs of spaces; real single
    # addresses are short, and getaddresses is linear.
    if len(value) <= _FAST_PATH_LIMIT:
        match = _BARE.fullmatch(value)
        if match:
            return [_address("", match.group(1))]
        match = _NAMED.fullmatch(value)
        if match:
            return [_address(match.group(1) or match.group(2) or "", match.group(3))]
    return [
        _address(name, email) for name, email in getaddresses([value]) if "@" in email.strip("@")
    ]
