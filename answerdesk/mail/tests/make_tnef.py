"""A minimal TNEF (winmail.dat) writer, and the script that regenerates winmail_dat.eml.

Outlook wraps attachments in TNEF (MS-OXTNEF) when it sends "rich text" mail. No sample may be
downloaded, so the fixture is built here from the format itself:

    .venv/bin/python -m answerdesk.mail.tests.make_tnef
"""

from __future__ import annotations

import base64
import struct
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"

_SIGNATURE = 0x223E9F78  # MS-OXTNEF §2.1.3.1
_LEVEL_MESSAGE, _LEVEL_ATTACHMENT = 1, 2
# Attribute ids and types (MS-OXTNEF §2.1.3.3): the 32-bit id is type << 16 | id.
_ATP_STRING, _ATP_BYTE, _ATP_WORD, _ATP_DWORD = 0x0001, 0x0006, 0x0007, 0x0008
_TNEF_VERSION, _OEM_CODEPAGE, _MESSAGE_CLASS = 0x9006, 0x9007, 0x8008
_ATTACH_REND_DATA, _ATTACH_TITLE, _ATTACH_DATA, _ATTACHMENT = 0x9002, 0x8010, 0x800F, 0x9005
_PT_UNICODE, _PR_ATTACH_LONG_FILENAME = 0x001F, 0x3707


def _attribute(level: int, attribute: int, kind: int, data: bytes) -> bytes:
    checksum = sum(data) & 0xFFFF  # MS-OXTNEF §2.1.3.2: the bytes of the value, modulo 65536
    return (
        struct.pack("<BHHI", level, attribute, kind, len(data)) + data + struct.pack("<H", checksum)
    )


def _long_filename(name: str) -> bytes:
    """A MAPI property list holding PR_ATTACH_LONG_FILENAME as a UTF-16 string."""
    value = name.encode("utf-16-le") + b"\x00\x00"
    padded = value + b"\x00" * (-len(value) % 4)
    header = struct.pack("<IHHII", 1, _PT_UNICODE, _PR_ATTACH_LONG_FILENAME, 1, len(value))
    return header + padded


def tnef_blob(files: list[tuple[str, bytes]]) -> bytes:
    """TNEF holding the files; long names are carried as MAPI properties, as Outlook does."""
    out = [struct.pack("<IH", _SIGNATURE, 0x0001)]
    out.append(_attribute(_LEVEL_MESSAGE, _TNEF_VERSION, _ATP_DWORD, struct.pack("<I", 0x00010000)))
    out.append(_attribute(_LEVEL_MESSAGE, _OEM_CODEPAGE, _ATP_BYTE, struct.pack("<II", 1252, 0)))
    out.append(
        _attribute(_LEVEL_MESSAGE, _MESSAGE_CLASS, _ATP_WORD, b"IPM.Microsoft Mail.Note\x00")
    )
    for name, data in files:
        short_name = name.encode("ascii", "replace")[:12] + b"\x00"
        rendering = struct.pack("<HiHHI", 1, -1, 0, 0, 0)
        out.append(_attribute(_LEVEL_ATTACHMENT, _ATTACH_REND_DATA, _ATP_BYTE, rendering))
        out.append(_attribute(_LEVEL_ATTACHMENT, _ATTACH_TITLE, _ATP_STRING, short_name))
        out.append(_attribute(_LEVEL_ATTACHMENT, _ATTACH_DATA, _ATP_BYTE, data))
        out.append(_attribute(_LEVEL_ATTACHMENT, _ATTACHMENT, _ATP_BYTE, _long_filename(name)))
    return b"".join(out)


FILES = [
    ("Bon de commande signé.pdf", b"%PDF-1.4\n% bon de commande 4521\n%%EOF\n"),
    ("photos colis.txt", "Photos du colis abîmé, prises à la livraison.\n".encode()),
]

_MESSAGE = """\
Return-Path: <jerome.lefevre@cabinet-lefevre.example>
From: =?iso-8859-1?Q?J=E9r=F4me_Lef=E8vre?= <jerome.lefevre@cabinet-lefevre.example>
To: "Service client" <support@shop.example>
Subject: {subject}
Date: Tue, 4 Feb 2025 09:41:07 +0100
Message-ID: <{message_id}@cabinet-lefevre.example>
MIME-Version: 1.0
X-Mailer: Microsoft Outlook 16.0
Thread-Index: AdtwZx2n3m0Ol6sMQp2lJ0R8nT0Aqg==
Content-Language: fr
Content-Type: multipart/mixed;
\tboundary="----=_NextPart_000_0007_01DB76DB.D0E09210"

This is a multipart message in MIME format.

------=_NextPart_000_0007_01DB76DB.D0E09210
Content-Type: text/plain;
\tcharset="iso-8859-1"
Content-Transfer-Encoding: quoted-printable

Bonjour,

Vous trouverez ci-joint le bon de commande sign=E9 et les photos du colis.

Cordialement,
J=E9r=F4me Lef=E8vre

------=_NextPart_000_0007_01DB76DB.D0E09210
Content-Type: application/ms-tnef;
\tname="winmail.dat"
Content-Transfer-Encoding: base64
Content-Disposition: attachment;
\tfilename="winmail.dat"

{payload}
------=_NextPart_000_0007_01DB76DB.D0E09210--
"""


def winmail_message(blob: bytes, subject: str, message_id: str) -> bytes:
    payload = base64.encodebytes(blob).decode("ascii").rstrip("\n")
    message = _MESSAGE.replace("{subject}", subject).replace("{message_id}", message_id)
    return message.replace("{payload}", payload).replace("\n", "\r\n").encode("ascii")


def main() -> None:
    blob = tnef_blob(FILES)
    fixtures = {
        "winmail_dat.eml": winmail_message(
            blob, "Bon de commande et photos", "000601db76d3$6f1c2a10"
        ),
        # A relay that cut the attachment short: the TNEF framing ends mid-attribute.
        "truncated_winmail_dat.eml": winmail_message(
            blob[: len(blob) // 2], "Bon de commande (renvoi)", "000701db76d4$0a1b2c3d"
        ),
    }
    for name, data in fixtures.items():
        (FIXTURES / name).write_bytes(data)
        print(f"wrote {FIXTURES / name}")


if __name__ == "__main__":
    main()
