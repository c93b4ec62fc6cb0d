"""`answerdesk strip FILE_OR_DIR --json`: the new text of plain-text message bodies."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from answerdesk.mail.mail_sources import files_under
from answerdesk.mail.quote_stripping import strip_quotes


class Command(BaseCommand):
    help = "Strip quoted history and signatures from plain-text bodies; one JSON object per file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--json", action="store_true", help="one JSON object per line (the default)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        for file in files_under(path) if path.is_dir() else [path]:
            try:
                # Bodies on disk come in any charset; undecodable bytes must not stop the run.
                text = file.read_bytes().decode("utf-8", errors="replace")
                record = {"file": str(file), "new_text": strip_quotes(text)}
            except Exception as exc:
                record = {"file": str(file), "error": f"{type(exc).__name__}: {exc}"}
            self.stdout.write(json.dumps(record, ensure_ascii=False))
