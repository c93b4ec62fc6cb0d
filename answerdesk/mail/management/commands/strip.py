"""`answerdesk strip FILE_OR_DIR --json`: the new text of plain-text message bodies."""

from __future__ import annotations

from typing import Any

from answerdesk.mail.management.json_lines import FilesToJsonLines
from answerdesk.mail.parsing.charsets import decode_utf8_lenient
from answerdesk.mail.quote_stripping import strip_quotes


def describe(data: bytes) -> dict[str, Any]:
    # Bodies on disk come in any charset: UTF-8, else windows-1252, as mail bodies are read.
    return {"new_text": strip_quotes(decode_utf8_lenient(data))}


class Command(FilesToJsonLines):
    help = "Strip quoted history and signatures from plain-text bodies; one JSON object per file."
    describe = staticmethod(describe)
