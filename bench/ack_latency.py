"""Acknowledgement latency: SMTP in at a steady rate, acknowledgements out to a sink.

    .venv/bin/python bench/ack_latency.py [--rate 50] [--seconds 120]

Starts `answerdesk smtpd` and `answerdesk worker` on a fresh SQLite database, and an SMTP
sink (aiosmtpd) as their outbound relay. Sends --rate messages a second for --seconds, each
from its own customer (the per-sender limit would otherwise hold acknowledgements back),
then waits for the last acknowledgements. Reports accepted/s, the receipt → acknowledgement
latency (from our 250 to the acknowledgement reaching the sink: p50, p99, max), and the
counts of lost messages (250 but not stored), duplicated and missing acknowledgements.
"""

from __future__ import annotations

import argparse
import os
import smtplib
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from email import message_from_bytes
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

SCRIPT = Path(sys.executable).parent / "answerdesk"


class Sink:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.acks: dict[str, list[float]] = {}  # In-Reply-To -> arrival times

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        arrived = time.monotonic()
        answered = message_from_bytes(envelope.original_content or b"")["In-Reply-To"] or ""
        with self.lock:
            self.acks.setdefault(answered.strip("<>"), []).append(arrived)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def mail(i: int) -> tuple[str, bytes]:
    message_id = f"bench-{i}@customers.example"
    body = (
        f"From: Client {i} <client{i}@customers.example>\r\nTo: support@answerdesk.test\r\n"
        f"Subject: Question {i}\r\nMessage-ID: <{message_id}>\r\n"
        "Date: Mon, 16 Nov 2026 09:30:00 +0100\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        "Bonjour, ma commande n'est pas arrivée. Pouvez-vous vérifier ? Merci.\r\n"
    )
    return message_id, body.encode()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=float, default=50)
    parser.add_argument("--seconds", type=float, default=120)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="answerdesk-ack-"))
    sink, sink_port, smtp_port = Sink(), free_port(), free_port()
    env = {**os.environ, "ANSWERDESK_DATA_DIR": str(work)}
    env.pop("DATABASE_URL", None)
    env |= {"ANSWERDESK_SMTP_HOST": "127.0.0.1", "ANSWERDESK_SMTP_PORT": str(sink_port)}

    def run(*arguments: str) -> None:
        subprocess.run([str(SCRIPT), *arguments], env=env, check=True, capture_output=True)

    run("migrate", "-v0")
    run(
        "shell",
        "-c",
        "from answerdesk.mail.models import SupportAddress as S;"
        "S.objects.create(email='support@answerdesk.test');"
        # The demo FAQ: every ask is searched for an answer to quote, as in production.
        "from answerdesk.knowledge.actions import load_articles;"
        "from answerdesk.tickets.management.commands.demo import DEMO_FAQ;"
        "load_articles(DEMO_FAQ)",
    )
    controller = Controller(sink, hostname="127.0.0.1", port=sink_port)
    controller.start()
    listener = subprocess.Popen(
        [str(SCRIPT), "smtpd", "--port", str(smtp_port)], env=env, stdout=subprocess.PIPE, text=True
    )
    assert listener.stdout is not None
    assert "listening" in listener.stdout.readline()
    worker = subprocess.Popen(
        [str(SCRIPT), "worker", "--poll", "0.02"], env=env, stdout=subprocess.PIPE, text=True
    )
    assert worker.stdout is not None
    assert "ready" in worker.stdout.readline()
    accepted: dict[str, float] = {}
    refused = 0
    try:
        client = smtplib.SMTP("127.0.0.1", smtp_port)
        total = int(args.rate * args.seconds)
        started = time.monotonic()
        for i in range(total):
            time.sleep(max(0.0, started + i / args.rate - time.monotonic()))
            message_id, data = mail(i)
            try:
                client.sendmail(f"client{i}@customers.example", ["support@answerdesk.test"], data)
                accepted[message_id] = time.monotonic()
            except smtplib.SMTPException:
                refused += 1
        sending = time.monotonic() - started
        client.quit()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with sink.lock:
                if all(m in sink.acks for m in accepted):
                    break
            time.sleep(0.1)
    finally:
        worker.kill()
        listener.kill()
        controller.stop()
    with sqlite3.connect(work / "answerdesk.sqlite3") as db:
        stored = db.execute("SELECT COUNT(*) FROM mail_rawmessage").fetchone()[0]
    latencies = sorted(sink.acks[m][0] - t for m, t in accepted.items() if m in sink.acks)
    missing = sum(1 for m in accepted if m not in sink.acks)
    duplicated = sum(len(times) - 1 for times in sink.acks.values())
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    print(
        f"sent {len(accepted) + refused} in {sending:.1f} s: accepted {len(accepted)} "
        f"({len(accepted) / sending:.1f}/s), refused {refused}"
    )
    print(
        f"receipt -> acknowledgement: p50 {q[49] * 1000:.0f} ms, p99 {q[98] * 1000:.0f} ms, "
        f"max {max(latencies, default=0) * 1000:.0f} ms"
    )
    print(
        f"lost {len(accepted) - stored if stored < len(accepted) else 0}, "
        f"duplicated acknowledgements {duplicated}, missing acknowledgements {missing}"
    )


if __name__ == "__main__":
    main()
