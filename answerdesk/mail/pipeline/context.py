"""The typed context one message carries through the pipeline, and the outcomes that stop it."""

from __future__ import annotations

from dataclasses import dataclass

from answerdesk.mail.models import RawMessage
from answerdesk.mail.parsing.parsed import ParsedMessage
from answerdesk.tickets.models import Contact, Message, Ticket


class StopPipeline(Exception):
    """Raised by a step to end the run for this message; the runner records which step."""

    state: RawMessage.State

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Duplicate(StopPipeline):
    """Already stored (same Message-ID): kept as a raw copy, no new message."""

    state = RawMessage.State.DUPLICATE

    def __init__(self, reason: str, original: Message) -> None:
        super().__init__(reason)
        self.original = original


class Quarantine(StopPipeline):
    """Cannot be processed as it is: kept with its reason, replayable once fixed."""

    state = RawMessage.State.QUARANTINED


@dataclass(slots=True)
class MessageContext:
    raw: RawMessage
    parsed: ParsedMessage | None = None
    contact: Contact | None = None
    ticket: Ticket | None = None
    ticket_is_new: bool = False
    message: Message | None = None
    # How the message found its ticket: "in_reply_to", "references", "subject_reference" or
    # "new", with the Message-ID or reference that matched; recorded on the timeline.
    threading: str = ""
    matched: str = ""
    thread_reason: str = ""
