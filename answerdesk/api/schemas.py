"""What the API takes and returns: one ninja Schema per input and output.

Every string a client sends has a length limit and must be valid Unicode without NUL
characters: PostgreSQL refuses NUL in text, and a lone surrogate cannot be encoded to UTF-8
on either database, so both would otherwise fail as server errors deep inside a query.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Field, P, PathEx, Schema
from pydantic import AfterValidator, StringConstraints, model_validator

from answerdesk.tickets.actions import MAX_BODY_CHARS, OpenAsk
from answerdesk.tickets.models import Message, Ticket, TicketEvent

# Ids are 64-bit (BigAutoField); a larger number can name nothing.
MAX_ID = 2**63 - 1
MAX_ASKS = 50
MAX_ASK_CHARS = 2_000


def _clean_text(value: str) -> str:
    if "\x00" in value:
        raise ValueError("NUL characters are not allowed")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("the text is not valid Unicode (a lone surrogate)") from None
    return value


_Clean = AfterValidator(_clean_text)
KindText = Annotated[str, StringConstraints(max_length=32), _Clean]
LanguageText = Annotated[str, StringConstraints(max_length=8), _Clean]
QueryText = Annotated[str, StringConstraints(max_length=200), _Clean]
Body = Annotated[str, StringConstraints(min_length=1, max_length=MAX_BODY_CHARS), _Clean]
DraftText = Annotated[str, StringConstraints(max_length=MAX_BODY_CHARS), _Clean]
AskText = Annotated[str, StringConstraints(min_length=1, max_length=MAX_ASK_CHARS), _Clean]

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Status = Literal["new", "open", "waiting", "solved", "closed"]
Priority = Literal[1, 2, 3, 4]
Ordering = Literal[
    "due", "-due", "created", "-created", "updated", "-updated", "priority", "-priority"
]


class ErrorOut(Schema):
    detail: str


# Tickets


class TicketQuery(Schema):
    status: Status | None = None
    kind: KindText | None = None
    language: LanguageText | None = None
    assignee: str | None = Field(
        None, pattern=r"^(me|none|[0-9]{1,18})$", description="me, none or a user id"
    )
    overdue: bool | None = Field(
        None, description="true: new or open, unanswered, and past the first-response target"
    )
    q: QueryText | None = Field(
        None, description="words, a reference or an address, searched in every message"
    )
    ordering: Ordering | None = Field(
        None, description="default: best match first with q, else due first"
    )
    limit: int = Field(25, ge=1, le=100)
    offset: int = Field(0, ge=0, le=1_000_000)


class ContactOut(Schema):
    id: int
    name: str
    emails: list[str]


class TicketOut(Schema):
    id: int
    reference: str
    subject: str
    status: str
    kind: str
    language: str
    priority: int
    channel: str
    assignee: int | None
    contact: ContactOut | None
    merged_into: int | None
    created_at: dt.datetime
    updated_at: dt.datetime
    due_at: dt.datetime | None
    first_response_at: dt.datetime | None
    solved_at: dt.datetime | None
    escalated_at: dt.datetime | None

    @classmethod
    def of(cls, ticket: Ticket) -> TicketOut:
        return cls(**_ticket_fields(ticket))


class OpenAskOut(Schema):
    message_id: int
    text: str

    @classmethod
    def of(cls, ask: OpenAsk) -> OpenAskOut:
        return cls(message_id=ask.message_id, text=ask.text)


class TicketDetailOut(TicketOut):
    open_asks: list[OpenAskOut]

    @classmethod
    def with_asks(cls, ticket: Ticket, asks: list[OpenAsk]) -> TicketDetailOut:
        return cls(**_ticket_fields(ticket), open_asks=[OpenAskOut.of(a) for a in asks])


def _ticket_fields(ticket: Ticket) -> dict[str, Any]:
    contact = ticket.contact
    return {
        "id": ticket.pk,
        "reference": ticket.reference,
        "subject": ticket.subject,
        "status": ticket.status,
        "kind": ticket.kind,
        "language": ticket.language,
        "priority": ticket.priority,
        "channel": ticket.channel,
        "assignee": ticket.assignee_id,
        "contact": None
        if contact is None
        else ContactOut(
            id=contact.pk,
            name=contact.name,
            emails=sorted(a.email for a in contact.addresses.all()),
        ),
        "merged_into": ticket.merged_into_id,
        "created_at": ticket.created_at,
        "updated_at": ticket.updated_at,
        "due_at": ticket.due_at,
        "first_response_at": ticket.first_response_at,
        "solved_at": ticket.solved_at,
        "escalated_at": ticket.escalated_at,
    }


class TicketPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[TicketOut]


class TicketPatch(Schema):
    """Only the fields sent are changed. assignee null puts the ticket back in the queue."""

    status: Status | None = None
    priority: Priority | None = None
    assignee: Id | None = None
    kind: KindText | None = None
    language: LanguageText | None = None


class MergeIn(Schema):
    into: Id


# Messages and the timeline


class AskOut(Schema):
    text: str
    start: int | None = None
    end: int | None = None
    score: float | None = None

    @classmethod
    def of(cls, row: Any) -> AskOut:
        row = row if isinstance(row, dict) else {"text": str(row)}
        return cls(
            text=str(row.get("text", "")),
            start=row.get("start"),
            end=row.get("end"),
            score=row.get("score"),
        )


class AttachmentOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int
    inline: bool


class TriageOut(Schema):
    message_id: int
    ticket_id: int
    language: str
    language_confidence: float
    kind: str
    kind_confidence: float
    asks: list[AskOut]
    nlp_version: str

    @classmethod
    def of(cls, message: Message) -> TriageOut:
        return cls(
            message_id=message.pk,
            ticket_id=message.ticket_id,
            language=message.language,
            language_confidence=message.language_confidence,
            kind=message.kind,
            kind_confidence=message.kind_confidence,
            asks=[AskOut.of(a) for a in message.asks],
            nlp_version=message.nlp_version,
        )


class MessageOut(Schema):
    id: int
    ticket_id: int
    direction: str
    channel: str
    author: int | None
    message_id: str
    in_reply_to: str
    references: list[str]
    subject: str
    from_email: str
    from_name: str
    to: list[str]
    cc: list[str]
    text: str
    new_text: str
    language: str
    language_confidence: float
    kind: str
    kind_confidence: float
    asks: list[AskOut]
    nlp_version: str
    flags: list[str]
    attachments: list[AttachmentOut]
    sent_at: dt.datetime
    received_at: dt.datetime

    @classmethod
    def of(cls, message: Message) -> MessageOut:
        return cls(
            id=message.pk,
            ticket_id=message.ticket_id,
            direction=message.direction,
            channel=message.channel,
            author=message.author_id,
            message_id=message.message_id,
            in_reply_to=message.in_reply_to,
            references=[str(r) for r in message.references],
            subject=message.subject,
            from_email=message.from_email,
            from_name=message.from_name,
            to=[str(a) for a in message.to],
            cc=[str(a) for a in message.cc],
            text=message.text,
            new_text=message.new_text,
            language=message.language,
            language_confidence=message.language_confidence,
            kind=message.kind,
            kind_confidence=message.kind_confidence,
            asks=[AskOut.of(a) for a in message.asks],
            nlp_version=message.nlp_version,
            flags=[str(f) for f in message.flags],
            attachments=[
                AttachmentOut(
                    id=a.pk,
                    filename=a.filename,
                    content_type=a.content_type,
                    size=a.size,
                    inline=a.inline,
                )
                for a in message.attachments.all()
            ],
            sent_at=message.sent_at,
            received_at=message.received_at,
        )


class EventOut(Schema):
    id: int
    kind: str
    actor: int | None
    actor_label: str
    message: int | None
    reason: str
    data: dict[str, Any]
    created_at: dt.datetime

    @classmethod
    def of(cls, event: TicketEvent) -> EventOut:
        return cls(
            id=event.pk,
            kind=event.kind,
            actor=event.actor_id,
            actor_label=event.actor_label,
            message=event.message_id,
            reason=event.reason,
            data=event.data if isinstance(event.data, dict) else {"value": event.data},
            created_at=event.created_at,
        )


# Replies, notes, triage and the completeness check


class ReplyIn(Schema):
    body: Body
    confirm_unanswered: bool = Field(
        False, description="send even though the completeness check found unanswered asks"
    )
    status: Status = Field("waiting", description="the ticket's status once the reply is sent")


class NoteIn(Schema):
    body: Body


class VerdictOut(Schema):
    ask: str
    answered: bool
    confidence: float
    evidence: list[str]


class CheckReplyOut(Schema):
    """The same JSON as the composer's check (answerdesk.replies.actions.as_json)."""

    asks: list[VerdictOut]
    answered: list[bool]
    evidence: list[list[str]]
    complete: bool
    truncated: bool


class UnansweredOut(Schema):
    detail: str
    unanswered: list[OpenAskOut]
    check: CheckReplyOut


class TriagePatch(Schema):
    """Only the fields sent are corrected. asks: passages of the message's text, in order."""

    language: LanguageText | None = None
    kind: KindText | None = None
    asks: list[AskText] | None = Field(None, max_length=MAX_ASKS)


class CheckReplyIn(Schema):
    """The draft, and either a message (its asks as stored) or the asks themselves."""

    reply: DraftText
    message: Id | None = None
    asks: list[AskText] | None = Field(None, max_length=MAX_ASKS)

    @model_validator(mode="after")
    def _one_source(self) -> CheckReplyIn:
        if (self.message is None) == (self.asks is None):
            raise ValueError('give either "message" (an id) or "asks" (a list of texts)')
        return self


# Path parameters

TicketId = PathEx[int, P(ge=1, le=MAX_ID, description="the ticket's id")]
MessageId = PathEx[int, P(ge=1, le=MAX_ID, description="the message's id")]
