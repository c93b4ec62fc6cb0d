"""`answerdesk imap`: fetch mail from the IMAP mailboxes configured in the admin."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from imapclient.exceptions import IMAPClientError

from answerdesk.mail.imap_poller import ImapPoller
from answerdesk.mail.models import ImapMailbox


class Command(BaseCommand):
    help = (
        "Fetch new mail from the active IMAP mailboxes, then wait for more (IDLE where offered)."
        " Messages are stored only: `answerdesk worker` makes the tickets."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="poll each mailbox once, then exit")
        parser.add_argument("--mailbox", metavar="NAME", help="only this mailbox")
        parser.add_argument(
            "--poll-interval",
            type=float,
            default=60.0,
            help="seconds between polls of servers without IDLE",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        mailboxes = list(ImapMailbox.objects.filter(active=True).order_by("name"))
        if options["mailbox"]:
            mailboxes = [m for m in mailboxes if m.name == options["mailbox"]]
            if not mailboxes:
                raise CommandError(f"no active IMAP mailbox named {options['mailbox']!r}")
        if not mailboxes:
            raise CommandError("no active IMAP mailbox: add one in the admin")
        if options["once"]:
            self.poll_once(mailboxes)
            return
        stop = threading.Event()
        threads = [
            threading.Thread(
                target=_run,
                args=(mailbox, stop, options["poll_interval"]),
                name=f"imap {mailbox.name}",
            )
            for mailbox in mailboxes
        ]
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        for thread in threads:
            thread.start()
        self.stdout.write(f"polling {', '.join(m.name for m in mailboxes)}")
        self.stdout.flush()
        try:
            while any(thread.is_alive() for thread in threads):
                stop.wait(1.0)
        except KeyboardInterrupt:
            stop.set()
        stop.set()
        for thread in threads:
            thread.join()

    def poll_once(self, mailboxes: list[ImapMailbox]) -> None:
        failed = []
        for mailbox in mailboxes:
            try:
                taken = ImapPoller(mailbox).poll_once()
            except (OSError, IMAPClientError) as error:
                # The other mailboxes are still polled; the exit status tells cron.
                self.stderr.write(f"{mailbox.name}: {error}")
                failed.append(mailbox.name)
            else:
                self.stdout.write(f"{mailbox.name}: {taken} message(s) taken")
        if failed:
            raise CommandError(f"could not poll {', '.join(failed)}")


def _run(mailbox: ImapMailbox, stop: threading.Event, poll_interval: float) -> None:
    try:
        ImapPoller(mailbox, sleep=stop.wait, poll_interval=poll_interval).run(stop.is_set)
    finally:
        # Each thread has its own database connection.
        connections.close_all()
