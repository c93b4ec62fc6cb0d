"""`answerdesk check-reply`: which asks a reply answers, for one message or a JSONL batch.

    answerdesk check-reply --message FILE.eml --reply FILE.txt [--json]
    answerdesk check-reply --jsonl IN.jsonl        # one JSON object per line out

Batch lines are {"id", "asks": [...], "reply"} or {"id", "message_file", "reply"} (the asks
are then detected in the message); a line that cannot be read gets {"id", "error"} and the
run goes on. The models load once per run.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from answerdesk.mail.parsing import parse_message
from answerdesk.mail.pipeline.prepared import understand
from answerdesk.nlp.completeness import bundled_checker
from answerdesk.replies.actions import as_json, check_reply


def asks_of(path: Path) -> list[str]:
    parsed = parse_message(path.read_bytes(), timezone.now())
    return [a.text for a in understand(parsed).asks]


class Command(BaseCommand):
    help = "Say which asks of a message a reply answers, with the sentences that answer them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--message", type=Path, help="the customer's message (.eml)")
        parser.add_argument("--reply", type=Path, help="the draft reply (plain text)")
        parser.add_argument("--jsonl", type=Path, help="a batch, one pair per line")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        checker = bundled_checker()
        if options["jsonl"]:
            self._batch(options["jsonl"], checker)
            return
        if not (options["message"] and options["reply"]):
            raise CommandError("give --message FILE.eml and --reply FILE.txt, or --jsonl FILE")
        try:
            asks = asks_of(options["message"])
            reply = options["reply"].read_text(encoding="utf-8", errors="replace")
        except OSError as error:
            raise CommandError(str(error)) from None
        result = as_json(check_reply(asks, reply, checker))
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        for verdict in result["asks"]:
            mark = "answered" if verdict["answered"] else "NOT ANSWERED"
            self.stdout.write(f"{mark} ({verdict['confidence']:.2f}): {verdict['ask']}")
            for sentence in verdict["evidence"]:
                self.stdout.write(f"    by: {sentence}")
        self.stdout.write("complete" if result["complete"] else "incomplete")

    def _batch(self, path: Path, checker: Any) -> None:
        try:
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError as error:
            raise CommandError(str(error)) from None
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            out = self._line(line, number, path.parent, checker)
            self.stdout.write(json.dumps(out, ensure_ascii=False))
            self.stdout.flush()

    def _line(self, line: str, number: int, base: Path, checker: Any) -> dict[str, Any]:
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            return {"id": None, "line": number, "error": f"not JSON: {error}"}
        if not isinstance(row, dict):
            return {"id": None, "line": number, "error": "expected a JSON object"}
        ident = row.get("id")
        reply = row.get("reply")
        if not isinstance(reply, str):
            return {"id": ident, "error": 'expected "reply" (text)'}
        given = row.get("asks")
        if "message_file" in row:
            try:
                asks = asks_of(base / str(row["message_file"]))
            except OSError as error:
                return {"id": ident, "error": f"message_file: {error}"}
        elif isinstance(given, list) and all(isinstance(a, str) for a in given):
            asks = given
        else:
            return {"id": ident, "error": 'expected "asks" (a list of texts) or "message_file"'}
        result = as_json(check_reply(asks, reply, checker))
        return {
            "id": ident,
            "answered": result["answered"],
            "evidence": result["evidence"],
            "complete": result["complete"],
        }
