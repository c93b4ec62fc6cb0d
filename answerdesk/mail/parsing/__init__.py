"""Parse the raw bytes of one RFC 5322 message into a ParsedMessage; pure Python, no Django."""

from __future__ import annotations

import datetime as dt
import logging

from answerdesk.mail.parsing.addresses import parse_addresses
from answerdesk.mail.parsing.attachments import read_attachments
from answerdesk.mail.parsing.bodies import Leaves, read_bodies, sort_leaves
from answerdesk.mail.parsing.charsets import guess_text
from answerdesk.mail.parsing.findings import Findings
from answerdesk.mail.parsing.flags import apply_flags
from answerdesk.mail.parsing.headers import (
    decode_fields,
    derived_message_id,
    first_id,
    id_list,
    read_date,
)
from answerdesk.mail.parsing.mime_tree import parse_mime
from answerdesk.mail.parsing.parsed import Address, Flag, ParsedAttachment, ParsedMessage

__all__ = ["Address", "Flag", "ParsedAttachment", "ParsedMessage", "parse_message"]

logger = logging.getLogger(__name__)
INTERNAL_ERROR = "internal parser error"


def parse_message(raw: bytes, received_at: dt.datetime) -> ParsedMessage:
    """Parse any bytes at all; what could not be read is noted in flags and defects."""
    if received_at.tzinfo is None:
        received_at = received_at.replace(tzinfo=dt.UTC)
    try:
        return _parse(raw, received_at)
    # Ingest must never stop on one message. A bug here should not lose the mail either:
    # it becomes a text-only message whose defect names the error, and the raw bytes,
    # stored before parsing, can be parsed again once the bug is fixed.
    except Exception as error:
        logger.exception("parsing failed; keeping the message as raw text")
        return _unparsed(raw, received_at, error)


def _parse(raw: bytes, received_at: dt.datetime) -> ParsedMessage:
    findings = Findings()
    if raw.count(b"\n") != raw.count(b"\r\n"):
        # RFC 5322 §2.3: CR and LF only occur together as CRLF.
        findings.note(Flag.BARE_LF, "lines end in a bare LF")
    root = parse_mime(raw, findings)
    fields = root.block.first
    headers = decode_fields(root.block.fields, findings)
    subject = next((value for name, value in headers if name.lower() == "subject"), "").strip()
    senders = parse_addresses(fields.get("from") or fields.get("sender", ""))
    message_id = first_id(fields.get("message-id", ""))
    if not message_id:
        message_id = derived_message_id(raw)
        findings.note(Flag.NO_MESSAGE_ID, "no Message-ID; one was derived from the raw bytes")
    date = read_date(fields.get("date", ""), received_at, findings)
    leaves = sort_leaves(root, Leaves())
    bodies = read_bodies(leaves, findings)
    attachments = read_attachments(leaves.files, findings)
    apply_flags(fields, subject, senders[0] if senders else None, findings)
    return ParsedMessage(
        subject=subject,
        from_=senders[0] if senders else None,
        to=parse_addresses(fields.get("to", "")),
        cc=parse_addresses(fields.get("cc", "")),
        reply_to=parse_addresses(fields.get("reply-to", "")),
        date=date,
        message_id=message_id,
        in_reply_to=id_list(fields.get("in-reply-to", "")),
        references=id_list(fields.get("references", "")),
        headers=headers,
        text=bodies.text,
        html=bodies.html,
        new_text=bodies.new_text,
        attachments=attachments,
        flags=findings.flags,
        defects=findings.defects,
    )


def _unparsed(raw: bytes, received_at: dt.datetime, error: Exception) -> ParsedMessage:
    text = guess_text(raw)
    return ParsedMessage(
        subject="",
        from_=None,
        to=[],
        cc=[],
        reply_to=[],
        date=received_at,
        message_id=derived_message_id(raw),
        in_reply_to=[],
        references=[],
        headers=[],
        text=text,
        html="",
        new_text=text,
        attachments=[],
        flags={Flag.MIME_DEFECT, Flag.NO_MESSAGE_ID},
        defects=[f"{INTERNAL_ERROR}: {type(error).__name__}: {error}"[:300]],
    )
