"""Listing, reading and changing tickets; merging them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from answerdesk.api.tests.conftest import QUESTION
from answerdesk.learning.models import Correction
from answerdesk.tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def test_a_ticket_reads_with_its_open_asks(api_as, agent, mail_ticket):
    ticket = mail_ticket(body=QUESTION)

    response = api_as(agent).get(f"/tickets/{ticket.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["reference"] == ticket.reference
    assert body["contact"]["emails"] == ["marie.dupont@example.fr"]
    assert [a["text"] for a in body["open_asks"]] == [
        "Quand ma commande 4512 sera-t-elle livrée ?",
        "Et puis-je payer en trois fois ?",
    ]
    assert dt.datetime.fromisoformat(body["created_at"]) == ticket.created_at


def test_filters_ordering_and_pages(api_as, supervisor, agent, mail_ticket):
    lamp = mail_ticket("a@example.fr", subject="Lampe cassée")
    bill = mail_ticket("b@example.fr", subject="Facture en double")
    late = mail_ticket("c@example.fr", subject="Livraison en retard")
    now = timezone.now()
    Ticket.objects.filter(pk=lamp.pk).update(assignee=agent, priority=4, kind="complaint")
    Ticket.objects.filter(pk=bill.pk).update(status="waiting", due_at=now + dt.timedelta(hours=2))
    Ticket.objects.filter(pk=late.pk).update(due_at=now - dt.timedelta(hours=1))
    api = api_as(supervisor)

    def ids(**query: Any) -> list[int]:
        response = api.get("/tickets", **query)
        assert response.status_code == 200, response.content
        return [t["id"] for t in response.json()["items"]]

    assert ids(status="waiting") == [bill.pk]
    assert ids(kind="complaint") == [lamp.pk]
    assert ids(assignee=str(agent.pk)) == [lamp.pk]
    assert set(ids(assignee="none")) == {bill.pk, late.pk}
    assert ids(assignee="me") == []
    assert ids(overdue="true") == [late.pk]
    assert ids(ordering="due") == [late.pk, bill.pk, lamp.pk]
    assert ids(ordering="-priority")[0] == lamp.pk
    assert ids(ordering="created", limit=2, offset=1) == [bill.pk, late.pk]
    assert api.get("/tickets", limit=1).json()["count"] == 3
    assert ids(q="facture") == [bill.pk]


def test_an_agent_takes_a_ticket_and_changes_its_status_and_priority(api_as, agent, mail_ticket):
    ticket = mail_ticket()

    response = api_as(agent).patch(
        f"/tickets/{ticket.pk}", {"assignee": agent.pk, "status": "open", "priority": 3}
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["assignee"], body["status"], body["priority"]) == (agent.pk, "open", 3)
    kinds = set(ticket.events.values_list("kind", flat=True))
    assert {"assigned", "status_changed", "priority_changed"} <= kinds


def test_an_agent_may_not_give_a_ticket_to_someone_else(api_as, agent, other_agent, mail_ticket):
    ticket = mail_ticket()

    response = api_as(agent).patch(f"/tickets/{ticket.pk}", {"assignee": other_agent.pk})

    assert response.status_code == 403
    ticket.refresh_from_db()
    assert ticket.assignee_id is None


def test_an_agent_may_put_their_own_ticket_back_in_the_queue(api_as, agent, mail_ticket):
    ticket = mail_ticket()
    Ticket.objects.filter(pk=ticket.pk).update(assignee=agent)

    response = api_as(agent).patch(f"/tickets/{ticket.pk}", {"assignee": None})

    assert response.status_code == 200
    assert response.json()["assignee"] is None


def test_a_supervisor_assigns_to_an_agent_but_not_to_a_stranger(
    api_as, supervisor, agent, mail_ticket, django_user_model
):
    ticket = mail_ticket()
    stranger = django_user_model.objects.create_user("stranger")
    api = api_as(supervisor)

    assigned = api.patch(f"/tickets/{ticket.pk}", {"assignee": agent.pk})
    refused = api.patch(f"/tickets/{ticket.pk}", {"assignee": stranger.pk})

    assert assigned.json()["assignee"] == agent.pk
    assert refused.status_code == 400
    assert "not a member of the desk staff" in refused.json()["detail"]


def test_kind_and_language_are_corrections_of_the_first_message(api_as, agent, mail_ticket):
    ticket = mail_ticket()

    response = api_as(agent).patch(f"/tickets/{ticket.pk}", {"kind": "complaint", "language": "en"})

    assert response.status_code == 200, response.content
    assert (response.json()["kind"], response.json()["language"]) == ("complaint", "en")
    assert set(Correction.objects.values_list("field", flat=True)) == {"kind", "language"}
    assert ticket.events.filter(kind=TicketEvent.Kind.UNDERSTANDING_CORRECTED).count() == 2


def test_a_refused_correction_changes_nothing(api_as, agent, mail_ticket):
    ticket = mail_ticket()

    response = api_as(agent).patch(f"/tickets/{ticket.pk}", {"status": "open", "kind": "spam"})

    assert response.status_code == 400
    assert "unknown kind 'spam'" in response.json()["detail"]
    ticket.refresh_from_db()
    assert ticket.status == "new"


def test_only_supervisors_merge(api_as, agent, supervisor, mail_ticket):
    first = mail_ticket("first@example.fr")
    second = mail_ticket("second@example.fr", subject="Autre sujet")

    refused = api_as(agent).post(f"/tickets/{second.pk}/merge", {"into": first.pk})
    merged = api_as(supervisor).post(f"/tickets/{second.pk}/merge", {"into": first.pk})
    again = api_as(supervisor).post(f"/tickets/{second.pk}/merge", {"into": first.pk})
    itself = api_as(supervisor).post(f"/tickets/{first.pk}/merge", {"into": first.pk})

    assert refused.status_code == 403
    assert merged.status_code == 200, merged.content
    assert merged.json()["id"] == first.pk
    assert first.messages.filter(direction="inbound").count() == 2
    second.refresh_from_db()
    assert (second.merged_into_id, second.status) == (first.pk, "closed")
    assert again.status_code == 409
    assert "already merged" in again.json()["detail"]
    assert itself.status_code == 400


def test_the_timeline_lists_events_oldest_first(api_as, agent, mail_ticket):
    ticket = mail_ticket()
    api = api_as(agent)
    api.patch(f"/tickets/{ticket.pk}", {"status": "open"})

    events = api.get(f"/tickets/{ticket.pk}/events").json()

    assert events[0]["kind"] == "created"
    assert events[-1]["kind"] == "status_changed"
    assert events[-1]["data"] == {"from": "new", "to": "open"}
    assert events[-1]["actor"] == agent.pk
