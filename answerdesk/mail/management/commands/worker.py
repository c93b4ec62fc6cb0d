"""`answerdesk worker`: run the pipeline on stored messages, then send what is due."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from answerdesk.blob_store import default_store
from answerdesk.learning.readers import current_reader
from answerdesk.mail.actions import do_process_pending
from answerdesk.mail.outbound import SmtpTransport, Transport, deliver_due
from answerdesk.nlp.warm_up import load_all
from answerdesk.sla.actions import escalate_overdue

logger = logging.getLogger(__name__)

# Overdue tickets are looked for at most this often: a target is in hours, and the query
# must not run at every poll.
SLA_EVERY_SECONDS = 60.0


def configured_transport() -> Transport | None:
    if not settings.ANSWERDESK_SMTP_HOST:
        return None
    return SmtpTransport(
        host=settings.ANSWERDESK_SMTP_HOST,
        port=settings.ANSWERDESK_SMTP_PORT,
        security=settings.ANSWERDESK_SMTP_SECURITY,
        username=settings.ANSWERDESK_SMTP_USER,
        password=settings.ANSWERDESK_SMTP_PASSWORD,
    )


class Command(BaseCommand):
    help = "Process received messages as they arrive, and deliver queued outbound mail."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once", action="store_true", help="process and send what is waiting, then exit"
        )
        parser.add_argument("--poll", type=float, default=0.1, help="seconds between looks")
        parser.add_argument("--batch-size", type=int, default=100)

    def handle(self, *args: Any, **options: Any) -> None:
        # Load the models now, not on the first customer's message (about 1.5 s).
        load_all()
        current_reader()
        store, transport = default_store(), configured_transport()
        if transport is None:
            logger.warning("no ANSWERDESK_SMTP_HOST: outbound mail stays queued")
        self.stdout.write("worker ready")
        self.stdout.flush()
        next_sla = time.monotonic()
        while True:
            if time.monotonic() >= next_sla:
                next_sla = time.monotonic() + SLA_EVERY_SECONDS
                escalate_overdue_logged()
            processed = do_process_pending(store=store, limit=options["batch_size"])
            # Right after processing, so an acknowledgement leaves within the same second.
            sent = deliver_due(transport, now=timezone.now()) if transport else {}
            if options["once"] and not processed:
                return
            if not processed and not sent:
                time.sleep(options["poll"])


def escalate_overdue_logged() -> None:
    """Escalation must not stop the intake: a failure is logged and tried again later."""
    try:
        escalate_overdue(timezone.now())
    except Exception:
        logger.exception("escalating overdue tickets failed")
