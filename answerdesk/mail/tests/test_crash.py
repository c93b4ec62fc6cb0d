"""Crash test: SIGKILL the listener and the worker at random while 500 messages come in.

Every message that got a 250 must be stored exactly once and acknowledged exactly once; a
message that did not get one may be missing (its sender keeps it and retries). Delivery of
the acknowledgements is at least once: a worker killed between the relay's 250 and its own
commit sends that one again, byte for byte (see docs/mail-intake.md).
"""

from __future__ import annotations

import random
import signal
import smtplib
import sqlite3
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from answerdesk.mail.tests.mails import make_mail
from answerdesk.mail.tests.test_live_mail import Sink
from answerdesk.mail.tests.test_smtp_listener import SCRIPT, free_port, start

MESSAGES = 500


class Supervised:
    """A process the test kills with SIGKILL and starts again, like a crash and a restart."""

    def __init__(self, launch: Callable[[], subprocess.Popen[str]], ready: str) -> None:
        self.launch = launch
        self.process = launch()
        assert self.process.stdout is not None
        assert ready in self.process.stdout.readline()  # the first start is awaited

    def crash_and_restart(self) -> None:
        # Not awaited: while the new process starts, clients retry, as they would.
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self.process = self.launch()

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()


def send_all(port: int, accepted: set[str], stop: threading.Event) -> None:
    """Send every message; on a dropped connection or a refusal, retry it, as an MTA would."""
    for i in range(MESSAGES):
        message_id = f"crash-{i}@example.fr"
        mail = make_mail(message_id=message_id, sender=f"client{i}@example.fr", subject=f"Q{i}")
        while not stop.is_set():
            try:
                with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
                    client.sendmail(f"client{i}@example.fr", ["support@answerdesk.test"], mail)
                accepted.add(message_id)
                time.sleep(0.004)  # about 250 messages a second: the kills land mid-flow
                break
            except (OSError, smtplib.SMTPException):
                time.sleep(0.05)  # the listener is down or restarting


@pytest.mark.slow
def test_kills_lose_nothing_duplicate_nothing_and_acknowledge_once(tmp_path: Path):
    sink, sink_port = Sink(), free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=sink_port)
    controller.start()
    for listener in start(tmp_path):  # the fixture's listener is replaced by supervised ones
        env = listener.env | {
            "ANSWERDESK_SMTP_HOST": "127.0.0.1",
            "ANSWERDESK_SMTP_PORT": str(sink_port),
        }

    def launch(*command: str) -> Callable[[], subprocess.Popen[str]]:
        return lambda: subprocess.Popen(
            [str(SCRIPT), *command], env=env, stdout=subprocess.PIPE, text=True
        )

    port = free_port()
    smtpd = Supervised(launch("smtpd", "--port", str(port)), "listening")
    worker = Supervised(launch("worker", "--poll", "0.02"), "ready")
    accepted: set[str] = set()
    stop = threading.Event()
    sender = threading.Thread(target=send_all, args=(port, accepted, stop))
    rng = random.Random(20261123)
    try:
        sender.start()
        # Kills tied to progress, at random points between fixed marks, so that they land
        # while mail flows however fast this machine sends it.
        marks = [rng.randrange(start, start + 40) for start in range(20, MESSAGES - 40, 60)]
        kills = worker_kills = 0
        while sender.is_alive() and kills < len(marks):
            if len(accepted) >= marks[kills]:
                victim = rng.choice([smtpd, worker])
                victim.crash_and_restart()
                kills += 1
                worker_kills += victim is worker
            time.sleep(0.005)
        sender.join(timeout=300)
        # A send cut short by a kill is retried when its one-minute lease runs out.
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and len(answered(sink)) < len(accepted):
            time.sleep(0.1)
    finally:
        stop.set()
        smtpd.stop()
        worker.stop()
        controller.stop()

    with sqlite3.connect(listener.database) as db:
        raw_states = db.execute("SELECT state, COUNT(*) FROM mail_rawmessage GROUP BY state")
        stored = dict(raw_states.fetchall())
        inbound = db.execute(
            "SELECT message_id FROM tickets_message WHERE direction = 'inbound'"
        ).fetchall()
        acks = db.execute(
            "SELECT COUNT(*), COUNT(DISTINCT ticket_id) FROM mail_outboundmessage"
        ).fetchone()
    assert kills >= 4
    assert len(accepted) == MESSAGES
    assert stored == {"processed": MESSAGES}  # each stored once, all processed
    assert sorted(m for (m,) in inbound) == sorted(accepted)
    assert acks == (MESSAGES, MESSAGES)  # one acknowledgement per ticket
    assert answered(sink) == accepted  # each acknowledgement delivered
    copies = Counter(sink.received)
    assert len(copies) == MESSAGES  # a second delivery is the same bytes, same Message-ID
    assert sum(copies.values()) - MESSAGES <= worker_kills  # at most one per worker kill


def answered(sink: Sink) -> set[str]:
    return {m.split(b"In-Reply-To: <", 1)[1].split(b">", 1)[0].decode() for m in sink.received}
