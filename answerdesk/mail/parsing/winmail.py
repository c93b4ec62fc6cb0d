"""The files inside a winmail.dat (Microsoft TNEF, application/ms-tnef) attachment."""

from __future__ import annotations

import struct
from dataclasses import dataclass

from tnefparse import TNEF

from answerdesk.mail.parsing.charsets import guess_text

# Real winmail.dat files hold tens of attributes: 10 MB x 50 attributes copies 500 MB.
_MAX_COPIED_BYTES = 1_000_000_000
TNEF_TYPES = frozenset({"application/ms-tnef", "application/vnd.ms-tnef"})


@dataclass(frozen=True, slots=True)
class PackedFile:
    name: str
    data: bytes


def is_winmail(content_type: str, filename: str) -> bool:
    # Outlook labels it application/ms-tnef, but gateways often relabel it octet-stream.
    return content_type in TNEF_TYPES or filename.lower() == "winmail.dat"


def unpack_winmail(data: bytes) -> list[PackedFile] | None:
    """The packed files, or None when the data is not complete, readable TNEF."""
    if not _framing_complete(data):
        return None
    try:
        tnef = TNEF(data, do_checksum=False)
        return [
            PackedFile(_name(item.long_filename()), bytes(item.data)) for item in tnef.attachments
        ]
    # tnefparse does no validation of its own: damaged data surfaces as struct.error,
    # ValueError, KeyError, IndexError, UnicodeDecodeError or AssertionError from deep inside.
    except Exception:
        return None


def _framing_complete(data: bytes) -> bool:
    """Whether the attributes exactly fill the data (MS-OXTNEF §2.1.3.2), and are few enough.

    tnefparse reads a truncated blob without complaint and returns shortened files, so a
    relay that cut the attachment is caught here. It also copies the rest of the blob for
    each attribute it reads, so a crafted blob of many tiny attributes would take hours.
    """
    offset, count = 6, 0  # after the signature and the legacy key
    while offset + 9 <= len(data):
        (length,) = struct.unpack_from("<I", data, offset + 5)  # after level, id and type
        offset += 9 + length + 2  # header, value, checksum
        count += 1
    return offset == len(data) and 0 < count * len(data) <= _MAX_COPIED_BYTES


def _name(raw: object) -> str:
    if isinstance(raw, bytes):
        return guess_text(raw).strip("\x00")
    return str(raw or "").strip("\x00")
