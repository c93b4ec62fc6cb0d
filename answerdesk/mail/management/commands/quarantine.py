"""`answerdesk quarantine list|retry`: show and replay messages that could not be processed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from answerdesk.blob_store import default_store
from answerdesk.mail.actions import do_replay
from answerdesk.mail.models import RawMessage


class Command(BaseCommand):
    help = "List quarantined messages, or replay them through the pipeline."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="quarantined messages with their reasons")
        retry = sub.add_parser("retry", help="process quarantined messages again")
        retry.add_argument("ids", nargs="*", type=int, help="raw message ids (default: all)")
        retry.add_argument(
            "--pending",
            action="store_true",
            help="also process messages left unprocessed by an interrupted run",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        quarantined = RawMessage.objects.filter(state=RawMessage.State.QUARANTINED).defer("data")
        if options["action"] == "list":
            rows = list(quarantined.order_by("received_at", "pk"))
            for raw in rows:
                when = f"{raw.received_at:%Y-%m-%d %H:%M}"
                self.stdout.write(f"{raw.pk}\t{when}\t{raw.size}\t{raw.source}\t{raw.reason}")
            self.stdout.write(f"{len(rows)} quarantined")
            return
        states = [RawMessage.State.QUARANTINED]
        if options["pending"]:
            states.append(RawMessage.State.RECEIVED)
        todo = RawMessage.objects.filter(state__in=states).order_by("received_at", "pk")
        if options["ids"]:
            todo = todo.filter(pk__in=options["ids"])
            missing = set(options["ids"]) - set(todo.values_list("pk", flat=True))
            if missing:
                raise CommandError(f"not quarantined: {', '.join(map(str, sorted(missing)))}")
        counts = do_replay(list(todo), store=default_store())
        still = counts.get(RawMessage.State.QUARANTINED, 0)
        self.stdout.write(f"retried {sum(counts.values())}: {still} still quarantined")
