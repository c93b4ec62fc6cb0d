"""IntakeHandler with fakes passed in: recipient rules, and no 250 unless the bytes are stored."""

from __future__ import annotations

import asyncio
from typing import Any

from aiosmtpd.smtp import Envelope, Session

from answerdesk.mail.smtp_listener import MAX_RECIPIENTS, IntakeHandler, Reply


class FakeStore:
    def __init__(self, fail: bool = False) -> None:
        self.stored: list[tuple[bytes, str]] = []
        self.fail = fail

    async def __call__(self, data: bytes, source: str) -> None:
        if self.fail:
            raise OSError("disk full")
        self.stored.append((data, source))


async def only_support(address: str) -> bool:
    return address == "support@answerdesk.test"


def rcpt(handler: IntakeHandler, envelope: Envelope, address: str) -> str:
    server: Any = None
    return asyncio.run(handler.handle_RCPT(server, Session(loop=None), envelope, address, []))  # type: ignore[arg-type]


def data(handler: IntakeHandler, envelope: Envelope) -> str:
    server: Any = None
    session = Session(loop=None)  # type: ignore[arg-type]
    session.peer = ("192.0.2.7", 40000)  # type: ignore[assignment]  # a (host, port) at run time
    return asyncio.run(handler.handle_DATA(server, session, envelope))


def test_recipients_are_checked_case_insensitively_and_capped():
    handler, envelope = IntakeHandler(FakeStore(), only_support), Envelope()

    assert rcpt(handler, envelope, "Support@AnswerDesk.test") == Reply.RECIPIENT_OK
    assert rcpt(handler, envelope, "sales@elsewhere.test").startswith("550 5.1.1")
    envelope.rcpt_tos.extend(["support@answerdesk.test"] * (MAX_RECIPIENTS - 1))
    assert rcpt(handler, envelope, "support@answerdesk.test") == Reply.TOO_MANY_RECIPIENTS


def test_data_is_accepted_only_once_stored_and_lmtp_answers_per_recipient():
    store = FakeStore()
    handler = IntakeHandler(store, only_support, lmtp=True)
    envelope = Envelope()
    envelope.rcpt_tos = ["support@answerdesk.test", "support@answerdesk.test"]
    envelope.original_content = b"Subject: hi\r\n\r\nbody\r\n"

    reply = data(handler, envelope)

    assert reply.split("\r\n") == [Reply.ACCEPTED, Reply.ACCEPTED]
    assert store.stored == [
        (
            b"Subject: hi\r\n\r\nbody\r\n",
            "smtp:192.0.2.7 to support@answerdesk.test,support@answerdesk.test",
        )
    ]


def test_a_store_that_fails_gives_a_temporary_error_so_the_client_retries():
    handler = IntakeHandler(FakeStore(fail=True), only_support)
    envelope = Envelope()
    envelope.rcpt_tos = ["support@answerdesk.test"]
    envelope.original_content = b"Subject: hi\r\n\r\nbody\r\n"

    assert data(handler, envelope) == Reply.TRY_AGAIN
