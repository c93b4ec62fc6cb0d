"""Desk pages benchmark: server time of the inbox, ticket and search pages on a large desk.

    .venv/bin/python bench/desk_pages.py [--runs 3] [--reseed] [--json PATH]

Seeds 100,000 tickets and 300,000 messages (French and English, with asks, quoted text,
some HTML, acknowledgements, replies, notes and timeline events) into a SQLite database,
once: the file is kept under var/bench/ and copied into a fresh data directory for every
invocation (--reseed builds it again). Then, in process, through Django's test client
logged in as an agent and as the supervisor, it times the inbox views, ~50 ticket pages
and ~30 searches, counts each page's SQL queries, repeats the whole measurement --runs
times and prints the median of each statistic over the runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import html
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
# Bump when the generated data changes: the cached database is keyed by it.
SEED_VERSION = 2
CACHE_DIR = ROOT / "var" / "bench"
AGENTS = 10
GOALS_MS = {"inbox": 100.0, "ticket": 100.0, "search": 200.0}
CHUNK = 5_000  # tickets generated and inserted at a time

# --- generated text ------------------------------------------------------------------------

FIRST = [
    "Marie", "Jean", "Lucas", "Emma", "Louis", "Chloé", "Léa", "Thomas", "Sarah", "Nicolas",
    "Julie", "Antoine", "Manon", "Oliver", "Emily", "James", "Sophie", "Harry", "Grace",
    "Jack", "Amelia", "George", "Isla", "Noah", "Zoé",
]  # fmt: skip
LAST = [
    "Dupont", "Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Laurent", "Girard", "Roux",
    "Fournier", "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Evans", "Walker",
    "Robinson", "Mercier",
]  # fmt: skip
DOMAINS = ["gmail.com", "orange.fr", "free.fr", "outlook.com", "yahoo.co.uk", "hotel-lyon.fr"]
MODELS = [
    "Orsay", "Tulum", "Nara", "Bergen", "Lisboa", "Kyoto", "Alba", "Sienne", "Oslo", "Dakar",
    "Lima", "Porto", "Quito", "Riga", "Varna", "Yukon", "Zermatt", "Cordoue", "Malmö", "Tampere",
    "Gdansk", "Hanoï", "Arles", "Tromsø",
]  # fmt: skip
ITEMS_FR = ["lampe", "applique", "suspension", "lampadaire"]
ITEMS_EN = ["lamp", "wall light", "pendant", "floor lamp"]
COLOURS_FR = ["noir", "blanc", "laiton", "cuivre", "vert sauge"]
COLOURS_EN = ["black", "white", "brass", "copper", "sage green"]
CITIES = ["Lyon", "Bordeaux", "Lille", "Nantes", "Bruxelles", "Genève", "London", "Dublin"]

# (kind, subject, context, asks); {order} {product} {tracking} {colour} {city} filled in.
FR = [
    ("complaint", "Commande {order} non reçue",
     "J'ai commandé la {product} il y a deux semaines et je n'ai toujours rien reçu.",
     ["Quand ma commande {order} sera-t-elle livrée ?",
      "Le numéro de suivi {tracking} est-il correct ?",
      "Pouvez-vous me rembourser les frais de port ?"]),
    ("complaint", "{product} arrivée cassée",
     "Le colis est arrivé abîmé et la {product} est cassée, le verre est fendu.",
     ["Comment retourner la {product} reçue cassée ?",
      "Pouvez-vous m'envoyer une nouvelle {product} rapidement ?",
      "La garantie couvre-t-elle aussi l'ampoule ?"]),
    ("sales_inquiry", "Question sur la {product}",
     "Nous équipons un hôtel à {city} et la {product} nous intéresse.",
     ["Avez-vous la {product} en {colour} ?",
      "Est-il possible de payer en trois fois ?",
      "Quel est le délai de livraison pour {city} ?",
      "Faites-vous un tarif pour vingt pièces ?"]),
    ("technical_problem", "Impossible de me connecter",
     "Depuis hier je ne peux plus me connecter à mon espace client, le mot de passe est refusé.",
     ["Comment réinitialiser mon mot de passe ?",
      "Pourquoi ai-je été débité deux fois pour la commande {order} ?"]),
    ("company_information", "Facture pour mon entreprise",
     "J'ai besoin d'une facture au nom de notre société pour la commande {order}.",
     ["Pourriez-vous m'envoyer une facture au nom de mon entreprise ?",
      "Livrez-vous en Belgique ou en Suisse ?"]),
    ("other", "Remboursement commande {order}",
     "J'ai renvoyé la {product} le mois dernier, le remboursement n'est pas arrivé.",
     ["Quand serai-je remboursé ?", "Avez-vous bien reçu le colis retour ?"]),
]  # fmt: skip
EN = [
    ("complaint", "Order {order} not received",
     "I ordered the {product} two weeks ago and it still has not arrived.",
     ["When will my order {order} arrive?",
      "Is the tracking number {tracking} right?",
      "Can you refund the delivery charge?"]),
    ("complaint", "{product} arrived broken",
     "The parcel was damaged and the {product} inside is broken, the glass is cracked.",
     ["How do I return the broken {product}?",
      "Can you send a replacement {product} quickly?",
      "Does the warranty cover the bulb too?"]),
    ("sales_inquiry", "Question about the {product}",
     "We are fitting out a hotel in {city} and like the {product}.",
     ["Do you have the {product} in {colour}?",
      "Can I pay in three instalments?",
      "How long is delivery to {city}?",
      "Do you offer a discount for twenty pieces?"]),
    ("technical_problem", "Cannot log in",
     "Since yesterday I cannot log in to my account, the password is refused.",
     ["How do I reset my password?",
      "Why was I charged twice for order {order}?"]),
    ("company_information", "Invoice for my company",
     "I need an invoice in our company's name for order {order}.",
     ["Could you send me an invoice in my company's name?",
      "Do you deliver to Belgium or Switzerland?"]),
    ("other", "Refund for order {order}",
     "I sent the {product} back last month and the refund has not arrived.",
     ["When will I be refunded?", "Did you receive the returned parcel?"]),
]  # fmt: skip
GREETING = {"fr": "Bonjour,", "en": "Hello,"}
FOLLOW_UP = {
    "fr": "Merci pour votre réponse, mais j'ai encore une question.",
    "en": "Thank you for your answer, but I have one more question.",
}
REPLIES = {
    "fr": [
        "Bonjour {name},\n\nVotre commande {order} a été expédiée hier, le numéro de suivi est"
        " {tracking}. La livraison prend deux à quatre jours ouvrés.\n\nCordialement,\n{agent}",
        "Bonjour {name},\n\nNous sommes désolés pour la {product}. Un bon de retour gratuit est"
        " dans votre espace client, et le remboursement suit sous cinq jours.\n\nCordialement,"
        "\n{agent}",
        "Bonjour {name},\n\nOui, le paiement en trois fois sans frais est possible par carte"
        " bancaire, et nous livrons en Belgique et en Suisse.\n\nCordialement,\n{agent}",
    ],
    "en": [
        "Hello {name},\n\nYour order {order} shipped yesterday; the tracking number is"
        " {tracking}. Delivery takes two to four working days.\n\nKind regards,\n{agent}",
        "Hello {name},\n\nWe are sorry about the {product}. A free return label is in your"
        " account, and the refund follows within five days.\n\nKind regards,\n{agent}",
        "Hello {name},\n\nYes, you can pay in three instalments by card at no cost, and we"
        " deliver to Belgium and Switzerland.\n\nKind regards,\n{agent}",
    ],
}
NOTES = [
    "Client rappelé, en attente du transporteur.",
    "Called the carrier: the parcel is held at the depot.",
    "Remboursement validé par la comptabilité.",
]
ACK = {
    "fr": "Bonjour,\n\nNous avons bien reçu votre message (référence {reference}) et vous"
    " répondrons sous 24 heures.\n\nLe service client",
    "en": "Hello,\n\nWe have received your message (reference {reference}) and will answer"
    " within 24 hours.\n\nCustomer service",
}


def order_number(ticket_id: int) -> str:
    # 7,919 is prime, so every ticket has its own order number.
    return str(100_000 + ticket_id * 7_919 % 900_000)


def tracking_code(ticket_id: int) -> str:
    return "XJ" + hashlib.blake2b(str(ticket_id).encode(), digest_size=5).hexdigest().upper()


def _fold(text: str) -> str:
    table = str.maketrans("éèëêïîöôüûçøåŁł", "eeeeiioouucoaLl")
    return text.translate(table).lower()


# --- seeding -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Story:
    """What one ticket is about: who writes, in which language, and the text to fill in."""

    ticket_id: int
    contact_id: int
    name: str
    email: str
    language: str
    kind: str
    subject: str
    context: str  # the first message's opening, a template
    asks: Sequence[str]  # templates
    values: dict[str, str]  # what fills the templates


class Seeder:
    """Generates the desk's rows ticket by ticket and inserts them with executemany."""

    def __init__(self, tickets: int, messages: int, now: dt.datetime, seed: int = 42) -> None:
        self.n_tickets, self.n_messages, self.now = tickets, messages, now
        self.rng = random.Random(seed)
        self.message_id = 0
        self.event_id = 0

    def message_counts(self) -> list[int]:
        """1-5 messages a ticket, adding up to exactly n_messages."""
        counts = [self.rng.randint(1, 5) for _ in range(self.n_tickets)]
        gap = self.n_messages - sum(counts)
        while gap:
            i = self.rng.randrange(self.n_tickets)
            step = 1 if gap > 0 else -1
            if 1 <= counts[i] + step <= 5:
                counts[i] += step
                gap -= step
        return counts

    def run(self) -> dict[str, int]:
        from django.db import connection, transaction

        from answerdesk.tickets.models import Message, Ticket, TicketEvent

        staff = self.staff()
        contacts = self.contacts(max(self.n_tickets // 2, 1))
        counts = self.message_counts()
        written = {"tickets": 0, "messages": 0, "events": 0}
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=OFF")
        for start in range(0, self.n_tickets, CHUNK):
            rows: dict[str, list[tuple[Any, ...]]] = {"t": [], "m": [], "e": []}
            for ticket_id in range(start + 1, min(start + CHUNK, self.n_tickets) + 1):
                self.ticket(ticket_id, counts[ticket_id - 1], staff, contacts, rows)
            with transaction.atomic():
                _insert(Ticket, TICKET_COLUMNS, rows["t"])
                _insert(Message, MESSAGE_COLUMNS, rows["m"])
                _insert(TicketEvent, EVENT_COLUMNS, rows["e"])
            written["tickets"] += len(rows["t"])
            written["messages"] += len(rows["m"])
            written["events"] += len(rows["e"])
            print(f"  seeded {written['tickets']:,} tickets", end="\r", file=sys.stderr)
        print(file=sys.stderr)
        return written

    def staff(self) -> dict[str, Any]:
        """10 agents and a supervisor (as the demo makes them), the demo FAQ and canned
        replies."""
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group

        from answerdesk.desk.models import CannedReply
        from answerdesk.knowledge.actions import load_articles
        from answerdesk.tickets.models import AgentProfile

        user_model = get_user_model()
        demo = ROOT / "answerdesk" / "demo"
        agents = []
        for n in range(1, AGENTS + 1):
            user = user_model(username=f"agent{n:02d}", first_name=FIRST[n], is_active=True)
            user.set_unusable_password()  # the benchmark logs in with force_login
            user.save()
            user.groups.add(Group.objects.get(name="agent"))
            AgentProfile.objects.create(
                user=user, languages=["fr", "en"], signature=f"{FIRST[n]}\nService client"
            )
            agents.append(user)
        supervisor = user_model(username="supervisor", first_name="Sofia", is_active=True)
        supervisor.set_unusable_password()
        supervisor.save()
        supervisor.groups.add(Group.objects.get(name="supervisor"))
        AgentProfile.objects.create(user=supervisor, signature="Sofia\nResponsable")
        load_articles(demo / "faq.json")
        for row in json.loads((demo / "canned.json").read_text(encoding="utf-8")):
            CannedReply.objects.create(**row)
        return {"agents": agents, "supervisor": supervisor}

    def contacts(self, count: int) -> list[tuple[int, str, str]]:
        """(id, name, first address); one contact in ten has a second address."""
        from django.db import transaction

        from answerdesk.tickets.models import Contact, ContactAddress

        made, contact_rows, address_rows = [], [], []
        address_id = 0
        created = _utc(self.now - dt.timedelta(days=400))
        for contact_id in range(1, count + 1):
            first, last = self.rng.choice(FIRST), self.rng.choice(LAST)
            name = f"{first} {last}"
            contact_rows.append((contact_id, name, created))
            emails = [f"{_fold(first)}.{_fold(last)}.{contact_id}@{self.rng.choice(DOMAINS)}"]
            if self.rng.random() < 0.1:
                emails.append(f"{_fold(last)}{contact_id}@pro.example.fr")
            for email in emails:
                address_id += 1
                address_rows.append((address_id, contact_id, email))
            made.append((contact_id, name, emails[0]))
        with transaction.atomic():
            _insert(Contact, ("id", "name", "created_at"), contact_rows)
            _insert(ContactAddress, ("id", "contact_id", "email"), address_rows)
        return made

    def ticket(
        self,
        ticket_id: int,
        n_messages: int,
        staff: dict[str, Any],
        contacts: list[tuple[int, str, str]],
        rows: dict[str, list[tuple[Any, ...]]],
    ) -> None:
        rng, now = self.rng, self.now
        # A few customers write a lot: the square skews the draw towards the first ones.
        contact_id, name, email = contacts[int(len(contacts) * rng.random() ** 2)]
        language = "fr" if rng.random() < 0.62 else "en"
        kind, subject_t, context_t, asks_t = rng.choice(FR if language == "fr" else EN)
        model = rng.choice(MODELS)
        item = rng.randrange(4)
        product = f"{ITEMS_FR[item]} {model}" if language == "fr" else f"{model} {ITEMS_EN[item]}"
        values = {
            "order": order_number(ticket_id),
            "tracking": tracking_code(ticket_id),
            "product": product,
            "colour": rng.choice(COLOURS_FR if language == "fr" else COLOURS_EN),
            "city": rng.choice(CITIES),
        }
        subject = subject_t.format(**values)
        subject = subject[0].upper() + subject[1:]
        story = Story(
            ticket_id, contact_id, name, email, language, kind, subject, context_t, asks_t, values
        )
        # Tickets spread over a year; 85% solved or closed, most open ones recent.
        created = now - dt.timedelta(days=365 * (1 - ticket_id / self.n_tickets) + 0.5)
        created += dt.timedelta(minutes=rng.uniform(-30, 30))
        recent = ticket_id > self.n_tickets * 0.8
        if rng.random() < (0.7 if recent else 0.0125):
            status = rng.choices(["new", "open", "waiting"], [40, 35, 25])[0]
        else:
            status = "solved" if rng.random() < 0.6 else "closed"
        agents, supervisor = staff["agents"], staff["supervisor"]
        draw = rng.random()
        if status in ("new", "open", "waiting") and draw < 0.25:
            assignee = None
        elif draw > 0.98:
            assignee = supervisor
        else:
            assignee = agents[rng.randrange(len(agents))]
        replier = assignee or agents[rng.randrange(len(agents))]
        # Who writes last: the customer when the ticket awaits an agent, an agent otherwise.
        last_inbound = status in ("new", "open")
        directions = ["inbound" if i % 2 == 0 else "outbound" for i in range(n_messages)]
        if n_messages > 1:
            directions[-1] = "inbound" if last_inbound else "outbound"
        if status == "new":  # nobody has answered yet
            directions = ["inbound"] * n_messages
        elif n_messages >= 4 and rng.random() < 0.2:
            directions[-2] = "note"
        ack = n_messages >= 3 and directions[1] == "outbound" and rng.random() < 0.3
        sent = created
        first_response = None
        previous_reply = ""
        events = rows["e"]
        data = {"channel": "email", "threading": "new"}
        events.append(self._event(ticket_id, "created", None, self.message_id + 1, created, data))
        for i, direction in enumerate(directions):
            self.message_id += 1
            mid = self.message_id
            sent = sent + dt.timedelta(hours=rng.uniform(0.2, 20)) if i else created
            automatic = ack and i == 1
            author = None if direction == "inbound" or automatic else replier
            row = self._message(story, mid, i, direction, previous_reply, sent, author, automatic)
            rows["m"].append(row)
            if direction == "outbound" and not automatic:
                previous_reply = row[MESSAGE_COLUMNS.index("text")]
                first_response = first_response or sent
                events.append(self._event(ticket_id, "replied", replier.pk, mid, sent, {}))
            elif direction == "inbound" and i:
                data = {"threading": "reply", "matched": "in_reply_to"}
                events.append(self._event(ticket_id, "message_received", None, mid, sent, data))
            elif direction == "note":
                events.append(self._event(ticket_id, "note_added", replier.pk, mid, sent, {}))
        if assignee is not None:
            at = created + dt.timedelta(minutes=5)
            events.append(self._event(ticket_id, "assigned", None, None, at, {"to": assignee.pk}))
        solved = None
        if status in ("solved", "closed"):
            solved = sent + dt.timedelta(hours=1)
            data = {"from": "open", "to": status}
            events.append(self._event(ticket_id, "status_changed", replier.pk, None, solved, data))
        due = None
        if status in ("new", "open"):
            due = now + dt.timedelta(hours=rng.uniform(-72, 72))
        elif status in ("solved", "closed"):
            due = created + dt.timedelta(hours=24)
        if status == "open" and first_response is None and rng.random() < 0.6:
            first_response = created + dt.timedelta(hours=2)
        rows["t"].append(
            (
                ticket_id, subject, contact_id, "email" if rng.random() < 0.9 else "form",
                status, kind, language, assignee.pk if assignee else None, _utc(created),
                _utc(solved or sent), _utc(first_response), _utc(due), _utc(solved),
                rng.choices([1, 2, 3, 4], [10, 70, 15, 5])[0], None, None,
            )
        )  # fmt: skip

    def _message(
        self,
        story: Story,
        mid: int,
        index: int,
        direction: str,
        previous_reply: str,
        sent: dt.datetime,
        author: Any,
        automatic: bool,
    ) -> tuple[Any, ...]:
        language, subject, name, email = story.language, story.subject, story.name, story.email
        rng = self.rng
        asks: list[dict[str, Any]] = []
        html_body = ""
        flags: list[str] = []
        headers: list[list[str]] = []
        if direction == "inbound":
            chosen = rng.sample(list(story.asks), k=min(len(story.asks), rng.randint(1, 3)))
            opening = GREETING[language] + "\n" + (FOLLOW_UP[language] if index else "")
            parts = [opening.rstrip(), story.context.format(**story.values) if not index else ""]
            new_text = "\n".join(p for p in parts if p) + "\n"
            for template in chosen:
                ask = template.format(**story.values)
                start = len(new_text)
                new_text += ask + "\n"
                score = round(rng.uniform(0.55, 0.99), 3)
                asks.append({"text": ask, "start": start, "end": start + len(ask), "score": score})
            new_text += name.split()[0]
            text = new_text
            if previous_reply:
                quoted = "\n".join("> " + line for line in previous_reply.splitlines())
                said = "a écrit" if language == "fr" else "wrote"
                text = f"{new_text}\n\nService client {said} :\n{quoted}"
            if rng.random() < 0.25:
                paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n") if p)
                pixel = '<img src="https://mail.example.net/t.gif">' if rng.random() < 0.3 else ""
                html_body = f'<div dir="ltr">{paragraphs}{pixel}</div>'
            from_email, from_name, to = email, name, ["support@answerdesk.example"]
            headers = [
                ["From", f"{name} <{email}>"],
                ["To", "support@answerdesk.example"],
                ["Subject", subject if not index else f"Re: {subject}"],
                ["Date", sent.strftime("%a, %d %b %Y %H:%M:%S +0000")],
                ["Message-ID", f"<bench-{mid}@{email.split('@')[1]}>"],
                ["MIME-Version", "1.0"],
                ["Content-Type", "text/plain; charset=utf-8"],
            ]
        elif automatic:
            new_text = text = ACK[language].format(reference=f"AD-{story.ticket_id:06d}")
            flags = ["auto_reply"]
            from_email, from_name, to = "support@answerdesk.example", "Service client", [email]
        else:
            agent = author.first_name
            if direction == "note":
                new_text = text = rng.choice(NOTES)
            else:
                first_name = name.split()[0]
                template = rng.choice(REPLIES[language])
                new_text = text = template.format(name=first_name, agent=agent, **story.values)
            from_email, from_name, to = "support@answerdesk.example", agent, [email]
        return (
            mid, story.ticket_id, direction, "email",
            story.contact_id if direction == "inbound" else None,
            author.pk if author is not None else None,
            hashlib.sha256(str(mid).encode()).hexdigest() if direction == "inbound" else "",
            f"bench-{mid}@answerdesk.example", "", "[]",
            subject if not index else f"Re: {subject}", from_email, from_name,
            json.dumps(to), "[]", json.dumps(headers), text, html_body, new_text, language,
            0.99, story.kind if direction == "inbound" else "", 0.9, json.dumps(asks),
            "understanding-3" if direction == "inbound" else "", json.dumps(flags), "[]",
            _utc(sent), _utc(sent + dt.timedelta(seconds=2)),
        )  # fmt: skip

    def _event(
        self,
        ticket_id: int,
        kind: str,
        actor: int | None,
        message: int | None,
        at: dt.datetime,
        data: dict[str, Any],
    ) -> tuple[Any, ...]:
        self.event_id += 1
        label = "" if actor else "mail pipeline"
        return (
            self.event_id,
            ticket_id,
            kind,
            actor,
            label,
            message,
            "",
            json.dumps(data),
            _utc(at),
        )


TICKET_COLUMNS = (
    "id", "subject", "contact_id", "channel", "status", "kind", "language", "assignee_id",
    "created_at", "updated_at", "first_response_at", "due_at", "solved_at", "priority",
    "escalated_at", "merged_into_id",
)  # fmt: skip
MESSAGE_COLUMNS = (
    "id", "ticket_id", "direction", "channel", "sender_id", "author_id", "raw_sha256",
    "message_id", "in_reply_to", "references", "subject", "from_email", "from_name", "to",
    "cc", "headers", "text", "html", "new_text", "language", "language_confidence", "kind",
    "kind_confidence", "asks", "nlp_version", "flags", "defects", "sent_at", "received_at",
)  # fmt: skip
EVENT_COLUMNS = (
    "id", "ticket_id", "kind", "actor_id", "actor_label", "message_id", "reason", "data",
    "created_at",
)  # fmt: skip


def _utc(value: dt.datetime | None) -> str | None:
    """What Django's SQLite backend stores for an aware datetime (see bulk_rows)."""
    if value is None:
        return None
    return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")


def _insert(model: Any, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    from answerdesk.bulk_rows import insert_values

    insert_values(model, columns, rows)


def _setup_django(data_dir: Path) -> None:
    os.environ["ANSWERDESK_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "answerdesk.settings"
    # The test client's host; DEBUG stays off, as in production.
    os.environ["ANSWERDESK_ALLOWED_HOSTS"] = "testserver"
    import django

    django.setup()


def prepare_database(
    data_dir: Path, tickets: int, messages: int, reseed: bool
) -> tuple[dict[str, Any], float]:
    """A copy of the cached seeded database in data_dir, migrated, seeding it first if there
    is none or if its schema is not what a fresh migrate makes (a migration or the search
    index changed in place). Returns the seed's facts and the seconds seeding took."""
    cache = CACHE_DIR / f"desk_pages-v{SEED_VERSION}-{tickets}-{messages}.sqlite3"
    target = data_dir / "answerdesk.sqlite3"
    data_dir.mkdir(parents=True, exist_ok=True)
    cached = cache.exists() and not reseed
    if cached:
        shutil.copyfile(cache, target)
    _setup_django(data_dir)
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.utils import timezone

    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    # A migration added since the seed (an index, say) applies to the copy, which then
    # replaces the cache: the next run does not apply it again.
    call_command("migrate", verbosity=0)
    if cached and schema() != fresh_schema():
        print("schema changed since the cached seed: seeding again", file=sys.stderr)
        connection.close()
        for path in data_dir.glob("answerdesk.sqlite3*"):
            path.unlink()
        call_command("migrate", verbosity=0)
        cached = False
    seconds = 0.0
    if not cached:
        started = time.perf_counter()
        now = timezone.now()
        written = Seeder(tickets, messages, now).run()
        seconds = time.perf_counter() - started
        facts = {**written, "seeded_at": now.isoformat(), "seed_seconds": round(seconds, 1)}
        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE bench_seed (facts TEXT NOT NULL)")
            cursor.execute("INSERT INTO bench_seed (facts) VALUES (%s)", [json.dumps(facts)])
    if not cached or pending:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.close()
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        partial = cache.with_suffix(".partial")
        shutil.copyfile(target, partial)
        partial.replace(cache)
        for older in CACHE_DIR.glob(f"desk_pages-v*-{tickets}-{messages}.sqlite3"):
            if older != cache:  # an earlier seed version, half a gigabyte
                older.unlink()
    return _facts(), seconds


def schema() -> list[list[str]]:
    """Every table, index, trigger and view of the database, as SQLite keeps its DDL."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT type, name, COALESCE(sql, '') FROM sqlite_master"
            " WHERE name NOT LIKE 'sqlite_%' AND name <> 'bench_seed' ORDER BY type, name"
        )
        return [list(row) for row in cursor.fetchall()]


def fresh_schema() -> list[list[str]]:
    """The schema a fresh migrate makes, from another process (Django is set up here)."""
    with tempfile.TemporaryDirectory(prefix="answerdesk-schema-") as empty:
        out = subprocess.run(
            [sys.executable, __file__, "--schema-of", empty],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    found: list[list[str]] = json.loads(out.strip().splitlines()[-1])
    return found


def _facts() -> dict[str, Any]:
    """The seed's facts, and the open tickets' due dates moved by the time since seeding,
    so that overdue and due-soon views hold what they held when it was seeded."""
    from django.db import connection
    from django.db.models import F
    from django.utils import timezone

    from answerdesk.tickets.models import OPEN_STATUSES as OPEN
    from answerdesk.tickets.models import Ticket

    with connection.cursor() as cursor:
        cursor.execute("SELECT facts FROM bench_seed")
        facts: dict[str, Any] = json.loads(cursor.fetchone()[0])
    age = timezone.now() - dt.datetime.fromisoformat(facts["seeded_at"])
    Ticket.objects.filter(status__in=OPEN, due_at__isnull=False).update(due_at=F("due_at") + age)
    return facts


# --- measuring -----------------------------------------------------------------------------

INBOX_PAGES = (
    ("inbox: mine", "/desk/inbox/mine/"),
    ("inbox: open", "/desk/inbox/open/"),
    ("inbox: overdue", "/desk/inbox/overdue/"),
    ("inbox: open, filtered and sorted", "/desk/inbox/open/?language=en&status=new&sort=priority"),
    ("inbox: open, page 2", "/desk/inbox/open/?page=2"),
)


def search_queries(n_tickets: int) -> list[str]:
    """About 30 queries: common words, rare ones, prefixes, accents, a reference, addresses."""
    from answerdesk.tickets.models import ContactAddress, Ticket

    some = n_tickets // 2 + 7
    contact_id = Ticket.objects.filter(pk=n_tickets - 42).values_list("contact_id", flat=True)[0]
    address = ContactAddress.objects.filter(contact_id=contact_id).order_by("pk")[0].email
    busiest = ContactAddress.objects.filter(contact_id=1).order_by("pk")[0].email
    return [
        "commande",  # in a third of the messages
        "livraison",
        "refund",
        "delivery",
        "remboursement",
        "order arrive",
        "lampe cassée",
        "charged twice",
        "facture entreprise",
        "rembour",  # a prefix
        "deliv",
        "recu",  # "reçu" without its accent
        "délai de livraison",
        "Tulum",
        "applique Nara",
        "brass wall light",
        "Belgique Suisse",
        "garantie ampoule",
        "mot de passe",
        "xylophone",  # nothing
        "Dupont",  # a customer's name (the sender)
        "payer en trois fois",
        "When will my order arrive?",
        f"commande {order_number(some)}",  # one ticket
        order_number(some + 1000),
        tracking_code(n_tickets - 500),
        f"AD-{n_tickets - 123:06d}",  # a reference
        f"#{n_tickets // 3}",
        address,  # an address, and the busiest customer's
        busiest,
    ]


def ticket_ids(user: Any, count: int = 50) -> list[int]:
    """`count` open tickets this user may see that have asks waiting for an answer."""
    from answerdesk.tickets.access import visible_tickets
    from answerdesk.tickets.actions import open_asks
    from answerdesk.tickets.models import AWAITING_AGENT

    candidates = list(
        visible_tickets(user)
        .filter(status__in=AWAITING_AGENT)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    random.Random(7).shuffle(candidates)
    chosen: list[int] = []
    for ticket in visible_tickets(user).in_bulk(candidates[: count * 3]).values():
        if open_asks(ticket) and len(chosen) < count:
            chosen.append(ticket.pk)
    return sorted(chosen)


def _get(client: Any, url: str) -> tuple[float, float]:
    """Wall-clock and CPU milliseconds of one request. Then the database connection is
    closed, untimed, as Django does after every request with CONN_MAX_AGE 0 (the test
    client does not): each request opens its own, with a cold SQLite page cache."""
    from django.db import connection

    wall, cpu = time.perf_counter(), time.thread_time()
    response = client.get(url)
    wall, cpu = (time.perf_counter() - wall) * 1000, (time.thread_time() - cpu) * 1000
    connection.close()
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}")
    return wall, cpu


def count_queries(client: Any, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        _get(client, url)
    return len(captured.captured_queries)


Plan = dict[str, list[tuple[str, str]]]  # group ("inbox", "ticket", "search") -> [(label, url)]
Samples = dict[str, dict[str, list[tuple[float, float]]]]  # user -> row -> [(wall, cpu)]


def _row(group: str, label: str) -> str:
    """The table row a request counts in: each inbox view, all tickets, all searches."""
    return label if group == "inbox" else group


def measure(clients: dict[str, Any], plans: dict[str, Plan], sizes: dict[str, int]) -> Samples:
    """One pass over every page. Inbox views are requested in turn, ticket pages and
    searches cycle through their lists."""
    samples: Samples = {}
    for user, client in clients.items():
        rows: dict[str, list[tuple[float, float]]] = defaultdict(list)
        for group, pages in plans[user].items():
            for i in range(sizes[group]):
                label, url = pages[i % len(pages)]
                sample = _get(client, url)
                rows[_row(group, label)].append(sample)
                if group == "inbox":
                    rows["inbox (all)"].append(sample)
                if group == "search":
                    rows[f"q: {label}"].append(sample)
        samples[user] = dict(rows)
    return samples


def _stats(samples: list[tuple[float, float]]) -> dict[str, float]:
    wall = sorted(w for w, _cpu in samples)
    p95 = wall[min(len(wall) - 1, round(0.95 * (len(wall) - 1)))]
    cpu = statistics.median(c for _wall, c in samples)
    return {"n": len(wall), "p50": statistics.median(wall), "p95": p95, "max": wall[-1], "cpu": cpu}


def _spread(counts: Sequence[int]) -> str:
    low, high = min(counts), max(counts)
    return str(low) if low == high else f"{low}–{high}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--messages", type=int, default=300_000)
    parser.add_argument("--inbox", type=int, default=100, help="inbox requests per user")
    parser.add_argument("--ticket-pages", type=int, default=100, help="per user")
    parser.add_argument("--searches", type=int, default=60, help="per user")
    parser.add_argument("--reseed", action="store_true", help="seed the cached database again")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--schema-of", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.schema_of:  # migrate an empty database there and print its schema
        _setup_django(args.schema_of)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        print(json.dumps(schema()))
        return

    data_dir = Path(tempfile.mkdtemp(prefix="answerdesk-desk-pages-"))
    try:
        facts, seed_seconds = prepare_database(data_dir, args.tickets, args.messages, args.reseed)
        if seed_seconds:
            print(f"seeded in {seed_seconds:.0f} s", file=sys.stderr)
        report = run(args, facts)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")


def run(args: argparse.Namespace, facts: dict[str, Any]) -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    users = get_user_model().objects
    people = {
        "agent": users.get(username="agent01"),
        "supervisor": users.get(username="supervisor"),
    }
    clients, plans = {}, {}
    queries = search_queries(args.tickets)
    for name, user in people.items():
        clients[name] = Client()
        clients[name].force_login(user)
        plans[name] = {
            "inbox": list(INBOX_PAGES),
            "ticket": [(f"ticket {pk}", f"/desk/tickets/{pk}/") for pk in ticket_ids(user)],
            "search": [(q, "/desk/search/?" + urlencode({"q": q})) for q in queries],
        }
    sizes = {"inbox": args.inbox, "ticket": args.ticket_pages, "search": args.searches}
    for plan in plans.values():  # --searches 0: no search page at all
        for group, size in sizes.items():
            if not size:
                del plan[group]

    # Warm-up, untimed: the first ticket page loads the FAQ suggestion models (the sentence
    # encoder, the BM25 index) and the first request of each kind fills Django's caches.
    # Then every page once more, counting its SQL queries.
    counts: dict[str, dict[str, list[int]]] = {}
    for name, client in clients.items():
        for pages in plans[name].values():
            for _label, url in pages:
                _get(client, url)
        counts[name] = defaultdict(list)
        for group, pages in plans[name].items():
            for label, url in pages:
                n = count_queries(client, url)
                counts[name][_row(group, label)].append(n)
                if group == "inbox":
                    counts[name]["inbox (all)"].append(n)

    runs = []
    for number in range(args.runs):
        started = time.perf_counter()
        samples = measure(clients, plans, sizes)
        runs.append({u: {row: _stats(s) for row, s in rows.items()} for u, rows in samples.items()})
        print(f"run {number + 1}: {time.perf_counter() - started:.0f} s", file=sys.stderr)
    median = {
        user: {
            row: {stat: statistics.median(r[user][row][stat] for r in runs) for stat in stats}
            for row, stats in rows.items()
        }
        for user, rows in runs[0].items()
    }
    print_table(args, facts, median, counts)
    return {"facts": facts, "runs": runs, "median": median, "queries": counts}


TABLE_ROWS = (*(label for label, _url in INBOX_PAGES), "inbox (all)", "ticket", "search")


def print_table(
    args: argparse.Namespace,
    facts: dict[str, Any],
    median: dict[str, dict[str, dict[str, float]]],
    counts: dict[str, dict[str, list[int]]],
) -> None:
    import sqlite3

    print(
        f"\nanswerdesk desk pages: {facts['tickets']:,} tickets, {facts['messages']:,} messages,"
        f" {facts['events']:,} events; Python {sys.version.split()[0]}, SQLite"
        f" {sqlite3.sqlite_version}, {os.cpu_count()} cores; median of {args.runs} runs"
        " (server time: wall clock around the test client; CPU: this thread's CPU time)\n"
    )
    columns = f"{'n':>5}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'CPU p50':>9}{'queries':>9}"
    print(f"{'user':<11}{'page':<34}{columns}  goal (p95)")
    for user, rows in median.items():
        for row in TABLE_ROWS:
            if row not in rows:
                continue
            stat = rows[row]
            goal = GOALS_MS[row.split(" ")[0].rstrip(":")]
            verdict = "met" if stat["p95"] <= goal else "MISSED"
            print(
                f"{user:<11}{row:<34}{stat['n']:>5.0f}{stat['p50']:>9.1f}{stat['p95']:>9.1f}"
                f"{stat['max']:>9.1f}{stat['cpu']:>9.1f}{_spread(counts[user][row]):>9}"
                f"  ≤ {goal:.0f} ms {verdict}"
            )
    for user, rows in median.items():
        slow = sorted(
            ((s["p50"], row[3:]) for row, s in rows.items() if row.startswith("q: ")),
            reverse=True,
        )
        listed = "; ".join(f"{query!r} {ms:.0f}" for ms, query in slow[:6])
        print(f"\nslowest searches ({user}, p50 ms): {listed}")


if __name__ == "__main__":
    main()
