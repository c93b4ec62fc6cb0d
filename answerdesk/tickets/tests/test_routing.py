"""Routing: a new ticket goes to the best-matching available agent, and the timeline says why."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from answerdesk.mail.actions import do_accept, do_process
from answerdesk.mail.models import SupportAddress
from answerdesk.mail.tests.mails import make_mail
from answerdesk.tickets.models import AgentProfile, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def agent(name: str, **profile) -> AgentProfile:
    user = get_user_model().objects.create_user(name, f"{name}@answerdesk.test", "x")
    return AgentProfile.objects.create(user=user, **profile)


def receive(blob_store, *mails: bytes) -> None:
    do_process(do_accept([("smtp:192.0.2.1", m) for m in mails]).pending, store=blob_store)


@pytest.fixture
def team(db):
    SupportAddress.objects.create(email="support@answerdesk.test")
    return {
        "hr": agent("camille", kinds=["job_application"], languages=["fr", "en"]),
        "sales_fr": agent("hugo", kinds=["sales_inquiry"], languages=["fr"], topics="lampes"),
        "sales_en": agent("emma", kinds=["sales_inquiry"], languages=["en"]),
        "tech": agent("noah", kinds=["technical_problem"], languages=["fr", "en"]),
    }


def test_a_job_application_goes_to_hr_and_the_timeline_says_why(team, blob_store):
    body = "Bonjour,\r\nJe vous adresse ma candidature pour un stage de six mois.\r\nLina\r\n"
    receive(blob_store, make_mail(message_id="job@example.fr", subject="Candidature", body=body))

    ticket = Ticket.objects.get()
    assert ticket.assignee == team["hr"].user
    event = TicketEvent.objects.get(kind=TicketEvent.Kind.ASSIGNED)
    assert "takes job_application" in event.reason
    assert event.data == {"assignee": team["hr"].user.pk}


def test_language_decides_between_two_sales_agents(team, blob_store):
    receive(
        blob_store,
        make_mail(
            message_id="s1@example.com",
            subject="Price",
            sender="Tom <tom@example.com>",
            body="Hello,\r\nHow much is the Orion floor lamp? Do you ship to Ireland?\r\n",
        ),
        make_mail(
            message_id="s2@example.fr",
            subject="Prix",
            body="Bonjour,\r\nQuel est le prix de vos lampes Orion ? Vous livrez en Suisse ?\r\n",
        ),
    )
    by_subject = {t.subject: t.assignee for t in Ticket.objects.all()}
    assert by_subject == {"Price": team["sales_en"].user, "Prix": team["sales_fr"].user}


def test_round_robin_among_equals_and_load_limits(db, blob_store):
    SupportAddress.objects.create(email="support@answerdesk.test")
    a = agent("ana", max_open=2)
    b = agent("ben", max_open=1)
    mails = [
        make_mail(message_id=f"r{i}@example.fr", sender=f"c{i} <c{i}@example.fr>", subject=f"n{i}")
        for i in range(4)
    ]
    receive(blob_store, *mails)

    owners = [t.assignee for t in Ticket.objects.order_by("pk")]
    assert owners == [a.user, b.user, a.user, None]  # ben is full after one, ana after two


def test_nobody_available_nobody_assigned(db, blob_store):
    SupportAddress.objects.create(email="support@answerdesk.test")
    agent("away", available=False)
    receive(blob_store, make_mail(message_id="x@example.fr"))

    assert Ticket.objects.get().assignee is None
    assert not TicketEvent.objects.filter(kind=TicketEvent.Kind.ASSIGNED).exists()


def test_triage_prints_one_json_line_per_file(team, tmp_path):
    from answerdesk.knowledge.actions import load_articles
    from answerdesk.tickets.management.commands.demo import DEMO_FAQ

    load_articles(DEMO_FAQ)
    body = (
        "Bonjour,\r\nQuels sont les délais de livraison pour la Belgique ?\r\n"
        "Et puis-je payer en trois fois ?\r\nMerci\r\n"
    )
    (tmp_path / "a.eml").write_bytes(
        make_mail(message_id="t1@example.fr", subject="Lampes", body=body)
    )
    (tmp_path / "b.eml").write_bytes(b"not a mail at all \xff\xfe")
    out = StringIO()

    call_command("triage", str(tmp_path), "--json", stdout=out)

    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["file"].rsplit("/", 1)[1] for line in lines] == ["a.eml", "b.eml"]
    first = lines[0]
    assert first["language"] == "fr"
    assert first["kind"] == "sales_inquiry"
    assert [a["text"] for a in first["asks"]] == [
        "Quels sont les délais de livraison pour la Belgique ?",
        "Et puis-je payer en trois fois ?",
    ]
    assert first["suggestions"][0][0]["article"] == "delais-de-livraison"
    assert first["assignee"] == "hugo"
    assert set(first) >= {"language_confidence", "kind_confidence", "suggestions"}
    assert "error" not in lines[1]
