"""The SMTP and LMTP listener: refuse what is not ours at RCPT time, store before answering 250."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session

logger = logging.getLogger(__name__)

# RFC 5321 §4.5.3.1.8: a server must accept at least 100 recipients; more is a sign of abuse.
MAX_RECIPIENTS = 100


class Reply:
    """The replies the listener gives, with their RFC 3463 enhanced status codes."""

    ACCEPTED = "250 2.0.0 Message accepted for delivery"
    RECIPIENT_OK = "250 2.1.5 Recipient OK"
    UNKNOWN_RECIPIENT = "550 5.1.1 <{address}>: no such mailbox here"
    TOO_MANY_RECIPIENTS = "452 4.5.3 Too many recipients"
    TRY_AGAIN = "451 4.3.0 Could not store the message; try again later"


# Store the raw bytes durably; called with (bytes, source) and must not return before the
# bytes are on disk. Async because the listener must not block its event loop.
StoreRaw = Callable[[bytes, str], Awaitable[None]]
IsOurs = Callable[[str], Awaitable[bool]]


class IntakeHandler:
    """aiosmtpd handler; the store and the address check are given, so tests can fake them."""

    def __init__(self, store: StoreRaw, is_ours: IsOurs, *, lmtp: bool = False) -> None:
        self.store = store
        self.is_ours = is_ours
        self.lmtp = lmtp

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if len(envelope.rcpt_tos) >= MAX_RECIPIENTS:
            return Reply.TOO_MANY_RECIPIENTS
        if not await self.is_ours(address.strip().lower()):
            return Reply.UNKNOWN_RECIPIENT.format(address=address)
        envelope.rcpt_tos.append(address)
        return Reply.RECIPIENT_OK

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        data = envelope.original_content or b""
        peer: Any = session.peer
        source = (
            f"smtp:{peer[0] if isinstance(peer, tuple) else peer} to {','.join(envelope.rcpt_tos)}"
        )
        try:
            await self.store(data, source[:1024])
        except Exception:
            # Not stored, so not accepted: the client keeps the message and retries.
            logger.exception("could not store a message from %s", source)
            return self._per_recipient(Reply.TRY_AGAIN, envelope)
        return self._per_recipient(Reply.ACCEPTED, envelope)

    def _per_recipient(self, reply: str, envelope: Envelope) -> str:
        # RFC 2033 §4.2: after DATA, LMTP answers once per accepted recipient.
        if not self.lmtp:
            return reply
        return "\r\n".join(reply for _ in envelope.rcpt_tos)
