"""What the desk read in a message, agents' corrections, and the completeness check."""

from __future__ import annotations

import pytest

from answerdesk.api.tests.conftest import PARTIAL
from answerdesk.learning.models import Correction
from answerdesk.tickets.models import Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def question(mail_ticket):
    mail_ticket("q@example.fr")
    return Message.objects.get(message_id="q@example.fr")


def test_the_triage_of_a_message(api_as, agent, question):
    response = api_as(agent).get(f"/messages/{question.pk}/triage")

    assert response.status_code == 200
    body = response.json()
    assert (body["language"], body["ticket_id"]) == ("fr", question.ticket_id)
    assert 0 < body["language_confidence"] <= 1
    assert [a["text"] for a in body["asks"]] == [
        "Quand ma commande 4512 sera-t-elle livrée ?",
        "Et puis-je payer en trois fois ?",
    ]
    assert body["nlp_version"] == question.nlp_version


def test_an_agent_corrects_kind_and_asks(api_as, agent, question):
    response = api_as(agent).patch(
        f"/messages/{question.pk}/triage",
        {"kind": "complaint", "asks": ["Et puis-je payer en trois fois ?"]},
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["kind"], body["kind_confidence"]) == ("complaint", 1.0)
    assert [a["text"] for a in body["asks"]] == ["Et puis-je payer en trois fois ?"]
    assert set(Correction.objects.values_list("field", "actor")) == {
        ("kind", agent.pk),
        ("asks", agent.pk),
    }


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"language": "de"}, "unknown language 'de'"),
        ({"kind": "spam"}, "unknown kind 'spam'"),
        ({"asks": ["Une question que le client n'a jamais posée ?"]}, "passage"),
    ],
)
def test_a_correction_that_cannot_apply_is_400_with_the_reason(
    api_as, agent, question, changes, says
):
    response = api_as(agent).patch(f"/messages/{question.pk}/triage", changes)

    assert response.status_code == 400
    assert says in response.json()["detail"]
    assert not Correction.objects.exists()


def test_check_reply_against_a_message_or_a_list_of_asks(api_as, agent, question):
    api = api_as(agent)

    by_message = api.post("/check-reply", {"reply": PARTIAL, "message": question.pk})
    by_asks = api.post(
        "/check-reply", {"reply": PARTIAL, "asks": ["Et puis-je payer en trois fois ?"]}
    )

    assert by_message.status_code == 200
    assert by_message.json()["answered"] == [True, False]
    assert by_message.json()["asks"][0]["evidence"] == ["Votre commande 4512 sera livrée jeudi."]
    assert by_message.json()["complete"] is False
    assert by_asks.json()["answered"] == [False]


@pytest.mark.parametrize(
    "payload",
    [
        {"reply": "Oui."},
        {"reply": "Oui.", "message": 1, "asks": ["?"]},
        {"reply": "Oui.", "asks": [1]},
        {"reply": 3, "asks": ["?"]},
    ],
)
def test_check_reply_needs_exactly_one_source_of_asks(api_as, agent, payload):
    response = api_as(agent).post("/check-reply", payload)

    assert response.status_code == 422
    assert isinstance(response.json()["detail"], str)
