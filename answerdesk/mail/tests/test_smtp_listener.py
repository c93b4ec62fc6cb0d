"""`answerdesk smtpd` as a real process on a loopback port, with swaks as the client."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from answerdesk.mail.tests.mails import make_mail

SCRIPT = Path(sys.executable).parent / "answerdesk"
LIMIT = 20_000


@dataclass
class Listener:
    port: int
    env: dict[str, str]
    database: Path

    def swaks(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["swaks", "--server", f"127.0.0.1:{self.port}", "--from", "marie@example.fr", *args],
            capture_output=True,
            text=True,
            timeout=60,
        )

    def raw_rows(self) -> list[tuple[bytes, str, str]]:
        with sqlite3.connect(self.database) as db:
            return db.execute("SELECT data, state, source FROM mail_rawmessage").fetchall()

    def answerdesk(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(SCRIPT), *args], capture_output=True, text=True, env=self.env, timeout=120
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(tmp_path: Path, *extra: str) -> Iterator[Listener]:
    env = {**os.environ, "ANSWERDESK_DATA_DIR": str(tmp_path / "var")}
    env["ANSWERDESK_MAX_MESSAGE_BYTES"] = str(LIMIT)
    env.pop("DATABASE_URL", None)  # its own SQLite file, whatever the suite runs on
    listener = Listener(free_port(), env, tmp_path / "var" / "answerdesk.sqlite3")
    assert listener.answerdesk("migrate", "-v0").returncode == 0
    setup = listener.answerdesk(
        "shell",
        "-c",
        "from answerdesk.mail.models import SupportAddress as S;"
        "S.objects.create(email='support@answerdesk.test');"
        "S.objects.create(email='contact@answerdesk.test')",
    )
    assert setup.returncode == 0, setup.stderr
    process = subprocess.Popen(
        [str(SCRIPT), "smtpd", "--port", str(listener.port), *extra],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert "listening" in process.stdout.readline()
    try:
        yield listener
    finally:
        process.kill()
        process.wait()


@pytest.fixture
def smtp(tmp_path: Path) -> Iterator[Listener]:
    yield from start(tmp_path)


@pytest.fixture
def lmtp(tmp_path: Path) -> Iterator[Listener]:
    yield from start(tmp_path, "--lmtp")


def test_a_message_to_a_support_address_is_stored_byte_exact_before_250(smtp, tmp_path):
    mail = make_mail(message_id="smtp1@example.fr")
    (tmp_path / "mail.eml").write_bytes(mail)

    sent = smtp.swaks("--to", "support@answerdesk.test", "--data", f"@{tmp_path / 'mail.eml'}")

    assert sent.returncode == 0, sent.stdout
    assert "<-  250 2.0.0 Message accepted" in sent.stdout
    [(data, state, source)] = smtp.raw_rows()
    # swaks ends the data with a line break of its own before the final dot.
    assert data == mail + b"\r\n"
    assert state == "received"
    assert "support@answerdesk.test" in source


def test_an_unknown_recipient_is_refused_at_rcpt_time(smtp):
    sent = smtp.swaks("--to", "nobody@answerdesk.test")

    assert "<** 550 5.1.1 <nobody@answerdesk.test>: no such mailbox here" in sent.stdout
    assert sent.returncode != 0
    assert smtp.raw_rows() == []


def test_an_oversized_message_is_refused_with_552(smtp, tmp_path):
    big = make_mail(message_id="big@example.fr", body=("x" * 70 + "\r\n") * (LIMIT // 70))
    (tmp_path / "big.eml").write_bytes(big)

    sent = smtp.swaks("--to", "support@answerdesk.test", "--data", f"@{tmp_path / 'big.eml'}")

    assert "<** 552" in sent.stdout
    assert smtp.raw_rows() == []


def test_lmtp_answers_once_per_recipient_and_the_worker_makes_the_ticket(lmtp, tmp_path):
    (tmp_path / "mail.eml").write_bytes(make_mail(message_id="lmtp1@example.fr"))

    sent = lmtp.swaks(
        "--protocol",
        "LMTP",
        "--to",
        "support@answerdesk.test,contact@answerdesk.test",
        "--data",
        str(tmp_path / "mail.eml"),
    )
    worked = lmtp.answerdesk("worker", "--once")

    assert sent.stdout.count("<-  250 2.0.0 Message accepted") == 2, sent.stdout
    assert worked.returncode == 0, worked.stderr
    assert [state for _, state, _ in lmtp.raw_rows()] == ["processed"]
