"""`answerdesk ingest PATH`: import a maildir, an mbox, a directory of .eml files or one file."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from answerdesk.blob_store import default_store
from answerdesk.mail.ingest import ingest_path
from answerdesk.mail.mail_sources import count_source


class Command(BaseCommand):
    help = "Import mail from a maildir, an mbox, a directory of files or one file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path)
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="parser processes (default: one per core; 0: none)",
        )
        parser.add_argument("--batch-size", type=int, default=250)
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(stderr=True)
        store = default_store()
        for path in options["paths"]:
            with Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console,
                disable=options["no_progress"],
            ) as progress:
                task = progress.add_task(f"ingest {path}", total=count_source(path))
                summary = ingest_path(
                    path,
                    store=store,
                    workers=options["workers"],
                    batch_size=options["batch_size"],
                    on_progress=partial(progress.advance, task),
                )
            self.stdout.write(
                f"{path}: read {summary.read}, ingested {summary.ingested} "
                f"({summary.new_tickets} new tickets, {summary.threaded} threaded), "
                f"duplicates {summary.duplicates}, already imported {summary.already_imported}, "
                f"quarantined {summary.quarantined}, unreadable {len(summary.unreadable)}"
            )
            for line in summary.unreadable:
                self.stderr.write(f"unreadable: {line}")
            if summary.quarantined:
                self.stderr.write("see them with: answerdesk quarantine list")
