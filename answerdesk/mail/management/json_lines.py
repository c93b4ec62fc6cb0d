"""The shared shape of the inspection commands: one JSON object per file, errors included."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from answerdesk.mail.mail_sources import files_under


class FilesToJsonLines(BaseCommand):
    """Runs `describe` on each file (every regular file of a directory); prints JSON lines."""

    describe: Callable[[bytes], dict[str, Any]]

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--json", action="store_true", help="one JSON object per line (the default)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        for file in files_under(path) if path.is_dir() else [path]:
            try:
                record = {"file": str(file), **type(self).describe(file.read_bytes())}
            except Exception as exc:  # report and go on: one bad file must not stop the run
                record = {"file": str(file), "error": f"{type(exc).__name__}: {exc}"}
            self.stdout.write(json.dumps(record, ensure_ascii=False))
