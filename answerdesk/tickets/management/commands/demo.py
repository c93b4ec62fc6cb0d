"""`answerdesk demo`: migrate, load the demo FAQ, corpus and admin account, then serve."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from answerdesk.knowledge.actions import load_articles

DEMO = Path(__file__).resolve().parents[3] / "demo"
DEMO_CORPUS = DEMO / "corpus"
DEMO_FAQ = DEMO / "faq.json"


class Command(BaseCommand):
    help = "Set up a demo desk (database, demo mail, admin account) and serve it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="set up, then exit")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        users = get_user_model().objects
        if not users.filter(username="admin").exists():
            users.create_superuser("admin", "admin@demo.answerdesk.test", "admin")
        load_articles(DEMO_FAQ)
        # Importing is idempotent, so running the demo twice does not double the tickets.
        call_command("ingest", str(DEMO_CORPUS), no_progress=True, workers=0)
        url = f"http://127.0.0.1:{options['port']}/admin/"
        self.stdout.write(f"demo ready: {url} (user admin, password admin)")
        if not options["no_serve"]:
            call_command("serve", port=options["port"])
