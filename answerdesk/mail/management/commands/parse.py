"""`answerdesk parse FILE_OR_DIR --json`: print what the parser makes of each message."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from answerdesk.mail.management.json_lines import FilesToJsonLines
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


def describe(data: bytes) -> dict[str, Any]:
    return parsed_to_json(parse_message(data, timezone.now()))


class Command(FilesToJsonLines):
    help = "Parse message files and print one JSON object per file."
    describe = staticmethod(describe)
