"""Every part that is not the message's text, as a named file with its decoded bytes."""

from __future__ import annotations

import hashlib
import itertools
import mimetypes
import re
from collections.abc import Iterator

from answerdesk.mail.parsing.encoded_words import decode_words
from answerdesk.mail.parsing.findings import Findings
from answerdesk.mail.parsing.mime_tree import MimePart
from answerdesk.mail.parsing.parsed import Flag, ParsedAttachment
from answerdesk.mail.parsing.winmail import is_winmail, unpack_winmail

# A private table so the guessed extension does not depend on the host's /etc/mime.types.
_MIME_TYPES = mimetypes.MimeTypes(filenames=())
for _type, _extension in (
    ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
    ("application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx"),
    ("application/vnd.ms-outlook", ".msg"),
    ("image/heic", ".heic"),
):
    _MIME_TYPES.add_type(_type, _extension)
_EXTENSIONS = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/heic": ".heic",
    "message/rfc822": ".eml",
    "message/global": ".eml",
    "message/delivery-status": ".txt",
    "message/disposition-notification": ".txt",
    "text/rfc822-headers": ".txt",
    "text/calendar": ".ics",
    "application/ms-tnef": ".dat",
}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_MAX_NAME = 255


def read_attachments(
    files: list[tuple[MimePart, str]], findings: Findings
) -> list[ParsedAttachment]:
    unnamed = itertools.count(1)
    attachments: list[ParsedAttachment] = []
    for part, container in files:
        payload = part.decoded(findings)
        name = _declared_name(part, findings)
        if is_winmail(part.content_type, name):
            unpacked = list(_unpack(payload, findings, unnamed))
            if unpacked:
                attachments.extend(unpacked)
                continue
            name = name or "winmail.dat"
        attachments.append(
            ParsedAttachment(
                filename=name or _generated_name(part.content_type, unnamed),
                content_type=part.content_type,
                size=len(payload),
                sha256=hashlib.sha256(payload).hexdigest(),
                payload=payload,
                inline=part.disposition != "attachment" and bool(_content_id(part)),
                content_id=_content_id(part),
                container=container,
            )
        )
    return attachments


def _unpack(
    payload: bytes, findings: Findings, unnamed: itertools.count[int]
) -> Iterator[ParsedAttachment]:
    files = unpack_winmail(payload)
    if files is None:
        findings.note(Flag.MIME_DEFECT, "winmail.dat is not readable TNEF; kept as is")
        return
    for packed in files:
        content_type = _MIME_TYPES.guess_type(packed.name)[0] or "application/octet-stream"
        yield ParsedAttachment(
            filename=clean_filename(packed.name) or _generated_name(content_type, unnamed),
            content_type=content_type,
            size=len(packed.data),
            sha256=hashlib.sha256(packed.data).hexdigest(),
            payload=packed.data,
            container="winmail.dat",
        )


def _declared_name(part: MimePart, findings: Findings) -> str:
    # RFC 2183 filename first; the older Content-Type name (RFC 1341) is what many phones send.
    raw = part.disposition_params.get("filename") or part.params.get("name") or ""
    # RFC 2047 §5 forbids encoded words in parameters, yet Outlook and Gmail write them there.
    name, notes = decode_words(raw)
    for note in notes:
        findings.note(Flag.HEADER_REPAIRED, f"attachment name: {note}")
    return clean_filename(name)


def clean_filename(name: str) -> str:
    """The last path component, without control characters; "" if nothing usable is left."""
    name = _CONTROL.sub("", name).replace("\\", "/").rsplit("/", 1)[-1].strip()
    if name in (".", ".."):
        return ""
    if len(name) > _MAX_NAME:
        _stem, dot, extension = name.rpartition(".")
        keep = dot + extension if dot and len(extension) < 16 else ""
        name = name[: _MAX_NAME - len(keep)] + keep
    return name


def _generated_name(content_type: str, unnamed: itertools.count[int]) -> str:
    extension = _EXTENSIONS.get(content_type) or _MIME_TYPES.guess_extension(content_type) or ".bin"
    return f"attachment-{next(unnamed)}{extension}"


def _content_id(part: MimePart) -> str:
    return part.header("content-id").strip().strip("<>").strip()
