"""`answerdesk serve`: run the web application with uvicorn (ASGI)."""

from __future__ import annotations

from typing import Any

import uvicorn
from django.core.management.base import BaseCommand, CommandParser

from answerdesk.learning.readers import current_reader
from answerdesk.nlp.completeness import bundled_checker
from answerdesk.nlp.suggest import bundled_embedder


class Command(BaseCommand):
    help = "Serve the web application."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["workers"] == 1:
            # One process serves: load the desk's models now (the FAQ suggestions' encoder
            # and the completeness model, a few seconds), not on the first ticket opened.
            bundled_embedder().encode(["Bonjour"])
            bundled_checker()
            # And the reader chat lines go through (language, kind, asks): the first chat
            # line would otherwise wait seconds for it.
            current_reader().read("", "Bonjour, où en est ma commande ?")
        uvicorn.run(
            "answerdesk.asgi:application",
            host=options["host"],
            port=options["port"],
            workers=options["workers"],
            # Chat frames are a few hundred bytes: compressing each cost a third of the
            # event loop's time under bench/chat_latency.py for next to no bandwidth.
            ws_per_message_deflate=False,
            log_level="info",
        )
