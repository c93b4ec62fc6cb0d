"""The typed context one message carries through the write steps, and the outcomes that stop it."""

from __future__ import annotations

from dataclasses import dataclass

from answerdesk.mail.models import RawMessage
from answerdesk.mail.pipeline.prepared import PreparedMessage
from answerdesk.tickets.models import Contact, Ticket


class StopPipeline(Exception):
    """Raised by a step to end the run for this message; the runner records which step."""

    state: RawMessage.State

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Duplicate(StopPipeline):
    """Already stored (same Message-ID): the raw copy is kept, no new message is made."""

    state = RawMessage.State.DUPLICATE


class Quarantine(StopPipeline):
    """Cannot be processed as it is: kept with its reason, replayable once fixed."""

    state = RawMessage.State.QUARANTINED


@dataclass(slots=True)
class MessageContext:
    raw: RawMessage
    prepared: PreparedMessage
    contact: Contact | None = None
    ticket: Ticket | None = None
    ticket_is_new: bool = False
    message_pk: int | None = None
    # How the message found its ticket: "in_reply_to", "references", "subject_reference" or
    # "new", with the Message-ID or reference that matched; recorded on the timeline.
    threading: str = ""
    matched: str = ""
    thread_reason: str = ""
