"""Who sees what: every endpoint goes through answerdesk.tickets.access."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model

from answerdesk.tickets.models import Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_tickets(mail_ticket, agent, other_agent):
    """One ticket each for camille and dominique, and one nobody has taken."""
    mine = mail_ticket("mine@example.fr", subject="Lampe cassée")
    theirs = mail_ticket("theirs@example.fr", subject="Facture en double")
    queued = mail_ticket("queued@example.fr", subject="Horaires du magasin")
    mine.assignee, theirs.assignee = agent, other_agent
    mine.save(update_fields=["assignee"])
    theirs.save(update_fields=["assignee"])
    return mine, theirs, queued


def ids(response: Any) -> set[int]:
    assert response.status_code == 200, response.content
    return {t["id"] for t in response.json()["items"]}


def test_an_agent_sees_their_tickets_and_the_queue_but_no_one_elses(api_as, agent, three_tickets):
    mine, theirs, queued = three_tickets
    api = api_as(agent)
    theirs_message = Message.objects.get(message_id="theirs@example.fr")

    assert ids(api.get("/tickets")) == {mine.pk, queued.pk}
    assert api.get(f"/tickets/{mine.pk}").status_code == 200
    for path in (
        f"/tickets/{theirs.pk}",
        f"/tickets/{theirs.pk}/messages",
        f"/tickets/{theirs.pk}/events",
        f"/messages/{theirs_message.pk}/triage",
    ):
        response = api.get(path)
        assert response.status_code == 404, path
        assert response.json()["detail"].startswith("no such")
    assert api.post(f"/tickets/{theirs.pk}/notes", {"body": "Vu."}).status_code == 404
    assert api.patch(f"/tickets/{theirs.pk}", {"status": "solved"}).status_code == 404
    checked = api.post("/check-reply", {"reply": "Oui.", "message": theirs_message.pk})
    assert checked.status_code == 404


def test_a_supervisor_sees_every_ticket(api_as, supervisor, three_tickets):
    api = api_as(supervisor)

    assert ids(api.get("/tickets")) == {t.pk for t in three_tickets}
    for ticket in three_tickets:
        assert api.get(f"/tickets/{ticket.pk}").status_code == 200


def test_a_user_with_no_role_gets_nothing(api_as, three_tickets):
    nobody = get_user_model().objects.create_user("visitor", "v@answerdesk.test", "password")
    api = api_as(nobody)

    assert ids(api.get("/tickets")) == set()
    assert api.get(f"/tickets/{three_tickets[2].pk}").status_code == 404
    assert api.post("/check-reply", {"reply": "Oui.", "asks": ["Ouvert ?"]}).status_code == 403
