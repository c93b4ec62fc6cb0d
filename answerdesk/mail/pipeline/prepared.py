"""What a parser process hands the writer: the facts the write steps need, rows ready to insert.

Only plain values cross the process boundary: unpickling a ParsedMessage (dataclasses, enums)
cost the writer 60 µs a message and a Django Message instance 95 µs, while the writer is the
one serial stage of an import. Everything that does not depend on the database's state (the
message's columns, its attachments') is adapted here, in the parser process.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from answerdesk.bulk_rows import adapt_values
from answerdesk.learning.readers import current_reader
from answerdesk.mail.parsing.parsed import ParsedMessage
from answerdesk.mail.portal_facts import PortalFacts
from answerdesk.mail.spam import THRESHOLD, spam_score, text_points
from answerdesk.nlp.spam_text import spam_probability
from answerdesk.nlp.understanding import Reader, Understanding
from answerdesk.tickets.models import Attachment, Message

# Columns the writer fills in itself: ids, and the rows this one points at.
MESSAGE_COLUMNS = tuple(
    f.attname
    for f in Message._meta.concrete_fields
    if f.attname not in ("id", "ticket_id", "sender_id", "author_id")
)
ATTACHMENT_COLUMNS = tuple(
    f.attname for f in Attachment._meta.concrete_fields if f.attname not in ("id", "message_id")
)


class PreparedMessage(NamedTuple):
    message_id: str
    in_reply_to: list[str]
    references: list[str]
    subject: str
    from_email: str
    from_name: str
    date: dt.datetime
    flags: list[str]
    to: list[str]  # the recipients (To and Cc), lower-cased
    language: str  # "fr", "en", "other", or "" (see answerdesk.nlp.language)
    kind: str  # see answerdesk.nlp.kinds
    asks: list[dict[str, Any]]  # see answerdesk.nlp.asks
    spam_score: int  # header points, see answerdesk.mail.spam
    spam_probability: float  # the text classifier's, see answerdesk.nlp.spam_text
    channel: str  # email, or the portal's channel (answerdesk.mail.portal_facts)
    agent_id: int | None  # the staff member a portal visitor chose to write to
    message_values: tuple[Any, ...]  # query parameters for MESSAGE_COLUMNS
    attachment_values: list[tuple[Any, ...]]  # for ATTACHMENT_COLUMNS, one per attachment


def understand(
    parsed: ParsedMessage,
    header_points: int | None = None,
    text_spam: float | None = None,
    reader: Reader | None = None,
) -> Understanding:
    """Language, kind and asks of the new text (of the whole text when it has none of its
    own); spam gets no asks."""
    new_text = parsed.new_text or parsed.text
    if header_points is None:
        header_points = spam_score(parsed)
    if text_spam is None:
        text_spam = spam_probability(parsed.subject, new_text)
    spam = header_points + text_points(text_spam) >= THRESHOLD
    return (reader or current_reader()).read(parsed.subject, new_text, spam=spam)


def prepare(
    parsed: ParsedMessage,
    raw_sha256: str,
    received_at: dt.datetime,
    reader: Reader | None = None,
    portal: PortalFacts | None = None,
) -> PreparedMessage:
    portal = portal or PortalFacts()
    sender = parsed.from_
    header_points = spam_score(parsed)
    text_spam = spam_probability(parsed.subject, parsed.new_text or parsed.text)
    understanding = understand(parsed, header_points, text_spam, reader)
    asks = [
        {"text": a.text, "start": a.start, "end": a.end, "score": a.score}
        for a in understanding.asks
    ]
    message = {
        "direction": Message.Direction.INBOUND.value,
        "channel": portal.channel,
        "raw_sha256": raw_sha256,
        "message_id": parsed.message_id[:998],
        "in_reply_to": (parsed.in_reply_to[-1] if parsed.in_reply_to else "")[:998],
        "references": parsed.references,
        "subject": parsed.subject[:998],
        "from_email": sender.email[:320] if sender else "",
        "from_name": sender.name[:200] if sender else "",
        "to": [a.email for a in parsed.to],
        "cc": [a.email for a in parsed.cc],
        "headers": [list(pair) for pair in parsed.headers],
        "text": parsed.text,
        "html": parsed.html,
        "new_text": parsed.new_text,
        "language": understanding.language,
        "language_confidence": understanding.language_confidence,
        "kind": understanding.kind,
        "kind_confidence": understanding.kind_confidence,
        "asks": asks,
        "nlp_version": understanding.model_version,
        "flags": sorted(parsed.flags),
        "defects": parsed.defects,
        "sent_at": parsed.date,
        "received_at": received_at,
    }
    attachments = [
        adapt_values(
            Attachment,
            {
                "sha256": part.sha256,
                "size": part.size,
                "content_type": part.content_type[:255],
                "filename": part.filename[:255],
                "inline": part.inline,
                "content_id": part.content_id[:998],
                "container": part.container,
            },
            ATTACHMENT_COLUMNS,
        )
        for part in parsed.attachments
    ]
    return PreparedMessage(
        message_id=parsed.message_id[:998],
        in_reply_to=parsed.in_reply_to,
        references=parsed.references,
        subject=parsed.subject,
        from_email=sender.email if sender else "",
        from_name=sender.name if sender else "",
        date=parsed.date,
        flags=sorted(parsed.flags),
        to=[a.email.lower() for a in (*parsed.to, *parsed.cc)],
        language=understanding.language,
        kind=understanding.kind,
        asks=asks,
        spam_score=header_points,
        spam_probability=text_spam,
        channel=portal.channel,
        agent_id=portal.agent_id,
        message_values=adapt_values(Message, message, MESSAGE_COLUMNS),
        attachment_values=attachments,
    )
