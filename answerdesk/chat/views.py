"""widget.js: the widget's code with its strings in the visitor's language."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from answerdesk.chat.presence import HEARTBEAT_SECONDS
from answerdesk.chat.strings import widget_strings

# Not under static/: served only through this view, with its configuration filled in.
SOURCE = Path(__file__).parent / "widget" / "widget.js"
PLACEHOLDER = "__ANSWERDESK_CHAT_CONFIG__"


@cache
def _source() -> str:
    return SOURCE.read_text(encoding="utf-8")


@require_GET
def widget(request: HttpRequest) -> HttpResponse:
    """One script tag on any page: `<script src="https://site/chat/widget.js" defer>`.

    The language is ?lang= when the embedding page says it, else what Django negotiated
    (the portal's language choice, or the browser's Accept-Language).
    """
    asked = request.GET.get("lang", "")[:8]
    language = asked if asked in dict(settings.LANGUAGES) else translation.get_language()
    with translation.override(language):
        config = {
            "language": translation.get_language(),
            "strings": widget_strings(),
            "maxChars": settings.ANSWERDESK_CHAT_MAX_CHARS,
            "heartbeat": HEARTBEAT_SECONDS * 1000,
        }
    # JSON inside JavaScript: "<" escaped so no "</script>" can appear even if the code
    # is ever inlined.
    literal = json.dumps(config, ensure_ascii=True).replace("<", "\\u003c")
    response = HttpResponse(
        _source().replace(PLACEHOLDER, literal), content_type="text/javascript; charset=utf-8"
    )
    response["Cache-Control"] = "public, max-age=300"
    # Loaded by other sites' pages; some load scripts in CORS mode (crossorigin attribute).
    response["Access-Control-Allow-Origin"] = "*"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    response["X-Content-Type-Options"] = "nosniff"
    patch_vary_headers(response, ["Accept-Language", "Cookie"])
    return response
