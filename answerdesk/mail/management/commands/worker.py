"""`answerdesk worker`: run the pipeline on messages the listeners have stored."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from answerdesk.blob_store import default_store
from answerdesk.mail.actions import do_process_pending


class Command(BaseCommand):
    help = "Process received messages as they arrive (the queue is the raw message table)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once", action="store_true", help="process what is waiting, then exit"
        )
        parser.add_argument("--poll", type=float, default=0.1, help="seconds between looks")
        parser.add_argument("--batch-size", type=int, default=100)

    def handle(self, *args: Any, **options: Any) -> None:
        store = default_store()
        while True:
            done = do_process_pending(store=store, limit=options["batch_size"])
            if options["once"] and not done:
                return
            if not done:
                time.sleep(options["poll"])
