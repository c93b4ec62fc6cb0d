"""`answerdesk parse FILE_OR_DIR --json`: print what the parser makes of each message."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from answerdesk.mail.mail_sources import files_under
from answerdesk.mail.parsing import parse_message
from answerdesk.mail.parsing.parsed import ParsedMessage


def parsed_to_json(parsed: ParsedMessage) -> dict[str, Any]:
    return {
        "subject": parsed.subject,
        "from_email": parsed.from_.email if parsed.from_ else "",
        "from_name": parsed.from_.name if parsed.from_ else "",
        "to": [a.email for a in parsed.to],
        "cc": [a.email for a in parsed.cc],
        "reply_to": [a.email for a in parsed.reply_to],
        "date": parsed.date.isoformat(),
        "message_id": parsed.message_id,
        "in_reply_to": parsed.in_reply_to,
        "references": parsed.references,
        "text": parsed.text,
        "html": parsed.html,
        "new_text": parsed.new_text,
        "attachments": [
            {
                "filename": a.filename,
                "content_type": a.content_type,
                "size": a.size,
                "sha256": a.sha256,
            }
            for a in parsed.attachments
        ],
        "flags": sorted(parsed.flags),
    }


class Command(BaseCommand):
    help = "Parse message files and print one JSON object per file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--json", action="store_true", help="one JSON object per line (the default)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        files = files_under(path) if path.is_dir() else [path]
        for file in files:
            try:
                record = {
                    "file": str(file),
                    **parsed_to_json(parse_message(file.read_bytes(), timezone.now())),
                }
            except Exception as exc:  # report and go on: one bad file must not stop the run
                record = {"file": str(file), "error": f"{type(exc).__name__}: {exc}"}
            self.stdout.write(json.dumps(record, ensure_ascii=False))
