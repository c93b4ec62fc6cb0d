"""`answerdesk triage FILE_OR_DIR --json`: what each .eml file is, asks and suggestions."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from answerdesk.knowledge.actions import suggest
from answerdesk.mail.management.json_lines import FilesToJsonLines
from answerdesk.mail.parsing import parse_message
from answerdesk.mail.pipeline.prepared import understand
from answerdesk.tickets.routing import choose_assignee


def describe(data: bytes) -> dict[str, Any]:
    parsed = parse_message(data, timezone.now())
    understanding = understand(parsed)
    asks = [a.text for a in understanding.asks]
    assignee = choose_assignee(understanding.kind, understanding.language, asks, parsed.subject)
    return {
        "language": understanding.language,
        "language_confidence": understanding.language_confidence,
        "kind": understanding.kind,
        "kind_confidence": understanding.kind_confidence,
        "asks": [{"text": a.text, "start": a.start, "end": a.end} for a in understanding.asks],
        "suggestions": [
            [
                {
                    "article": f.article.slug,
                    "language": f.article.language,
                    "title": f.article.title,
                    "score": f.suggestion.score,
                    "lead": f.suggestion.margin,
                    "confident": f.suggestion.confident,
                }
                for f in found
            ]
            for found in suggest(asks)
        ],
        "assignee": assignee.agent.get_username() if assignee else None,
        "model_version": understanding.model_version,
    }


class Command(FilesToJsonLines):
    help = (
        "Read .eml files (every regular file of a directory): language, kind, asks with their "
        "spans in the new text, FAQ suggestions per ask and the agent they would go to."
    )
    describe = staticmethod(describe)
