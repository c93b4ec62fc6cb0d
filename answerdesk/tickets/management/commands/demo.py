"""`answerdesk demo`: migrate, load the demo FAQ, corpus, staff and canned replies, then serve."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from answerdesk.desk.models import CannedReply
from answerdesk.knowledge.actions import load_articles
from answerdesk.portal.models import DirectoryEntry
from answerdesk.tickets.models import AgentProfile, Ticket

DEMO = Path(__file__).resolve().parents[3] / "demo"
DEMO_CORPUS = DEMO / "corpus"
DEMO_FAQ = DEMO / "faq.json"
DEMO_CANNED = DEMO / "canned.json"
PASSWORD = "demo"
# username, role, first name, what they take (see AgentProfile), signature
STAFF = [
    ("camille", "agent", "Camille", ["complaint", "sales_inquiry"], "Camille\nService client"),
    ("hugo", "agent", "Hugo", ["technical_problem"], "Hugo\nSupport technique"),
    ("sofia", "supervisor", "Sofia", [], "Sofia\nResponsable du service client"),
]


# The public staff directory: name shown, job title, bio, the topics they like to discuss.
DIRECTORY = {
    "camille": (
        "Camille Roux",
        "Conseillère clientèle",
        "Dix ans de luminaires, du lustre en cristal à la réglette LED. "
        "Ten years of lighting, from crystal chandeliers to LED strips.",
        "commandes, livraison, retours, paiement",
    ),
    "hugo": (
        "Hugo Petit",
        "Support technique",
        "Électricien de formation : variateurs, ampoules connectées et installation. "
        "Trained electrician: dimmers, smart bulbs and wiring.",
        "variateurs, ampoules, installation, garantie",
    ),
}


class Command(BaseCommand):
    help = "Set up a demo desk (database, demo mail, staff accounts) and serve it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="set up, then exit")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        users = get_user_model().objects
        if not users.filter(username="admin").exists():
            users.create_superuser("admin", "admin@demo.answerdesk.test", PASSWORD)
        for username, role, first_name, kinds, signature in STAFF:
            if users.filter(username=username).exists():
                continue
            user = users.create_user(
                username,
                f"{username}@demo.answerdesk.test",
                PASSWORD,
                first_name=first_name,
                is_staff=role != "agent",  # the admin's settings pages
            )
            user.groups.add(Group.objects.get(name=role))
            AgentProfile.objects.create(
                user=user, kinds=kinds, languages=["fr", "en"], signature=signature
            )
        for username, (name, title, bio, topics) in DIRECTORY.items():
            user = users.get(username=username)
            DirectoryEntry.objects.get_or_create(
                user=user,
                defaults={"listed": True, "display_name": name, "job_title": title, "bio": bio},
            )
            AgentProfile.objects.filter(user=user, topics="").update(topics=topics)
        load_articles(DEMO_FAQ)
        for row in json.loads(DEMO_CANNED.read_text(encoding="utf-8")):
            CannedReply.objects.get_or_create(
                title=row["title"], language=row["language"], defaults={"body": row["body"]}
            )
        # Importing is idempotent, so running the demo twice does not double the tickets.
        call_command("ingest", str(DEMO_CORPUS), no_progress=True, workers=0)
        self._spread_due_dates()
        url = f"http://127.0.0.1:{options['port']}/"
        self.stdout.write(f"demo ready: the portal at {url}, the desk at {url}desk/")
        self.stdout.write(f"  (camille, hugo, sofia or admin; password {PASSWORD})")
        if not options["no_serve"]:
            call_command("serve", port=options["port"])

    @staticmethod
    def _spread_due_dates() -> None:
        """Imported mail is old mail: give the open tickets due dates around now, so that
        every inbox view has something in it."""
        now = timezone.now()
        waiting = Ticket.objects.filter(status=Ticket.Status.NEW, first_response_at__isnull=True)
        for n, pk in enumerate(waiting.order_by("pk").values_list("pk", flat=True)):
            hours = (n % 7) * 6 - 12  # from 12 hours overdue to 24 hours left
            Ticket.objects.filter(pk=pk).update(due_at=now + dt.timedelta(hours=hours))
