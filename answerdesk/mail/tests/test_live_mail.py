"""End to end: swaks, `answerdesk smtpd`, `answerdesk worker`, an acknowledgement at a peer."""

from __future__ import annotations

import email
import subprocess
import time
from collections.abc import Iterator
from email import policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from answerdesk.mail.tests.mails import make_mail
from answerdesk.mail.tests.test_smtp_listener import SCRIPT, Listener, free_port, start


class Sink:
    def __init__(self) -> None:
        self.received: list[bytes] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.received.append(envelope.original_content or b"")
        return "250 OK"


@pytest.fixture
def sink() -> Iterator[tuple[Sink, int]]:
    handler, port = Sink(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


@pytest.fixture
def live(tmp_path: Path, sink: tuple[Sink, int]) -> Iterator[Listener]:
    for listener in start(tmp_path):
        listener.env["ANSWERDESK_SMTP_HOST"] = "127.0.0.1"
        listener.env["ANSWERDESK_SMTP_PORT"] = str(sink[1])
        worker = subprocess.Popen(
            [str(SCRIPT), "worker", "--poll", "0.05"],
            env=listener.env,
            stderr=subprocess.DEVNULL,
        )
        try:
            yield listener
        finally:
            worker.kill()
            worker.wait()


def test_a_customer_message_is_acknowledged_through_the_live_path(live, sink, tmp_path):
    (tmp_path / "question.eml").write_bytes(make_mail(message_id="live1@example.fr"))

    sent = live.swaks("--to", "support@answerdesk.test", "--data", f"@{tmp_path / 'question.eml'}")
    deadline = time.monotonic() + 20
    while not sink[0].received and time.monotonic() < deadline:
        time.sleep(0.05)

    assert "250 2.0.0" in sent.stdout
    [data] = sink[0].received
    ack = email.message_from_bytes(data, policy=policy.default)
    assert ack["In-Reply-To"] == "<live1@example.fr>"
    assert ack["To"] == "marie.dupont@example.fr"
    assert ack["Auto-Submitted"] == "auto-replied"
    assert "[AD-000001]" in ack["Subject"]
