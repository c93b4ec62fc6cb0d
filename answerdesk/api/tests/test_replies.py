"""Replies through the completeness gate, and internal notes."""

from __future__ import annotations

import email

import pytest

from answerdesk.api.tests.conftest import COMPLETE, PARTIAL
from answerdesk.mail.models import OutboundMessage
from answerdesk.tickets.models import TicketEvent

pytestmark = pytest.mark.django_db


def test_a_reply_leaving_an_ask_unanswered_is_stopped_then_sent_when_confirmed(
    api_as, agent, mail_ticket
):
    ticket = mail_ticket("q@example.fr")
    api = api_as(agent)
    path = f"/tickets/{ticket.pk}/replies"

    stopped = api.post(path, {"body": PARTIAL})

    assert stopped.status_code == 409
    assert [a["text"] for a in stopped.json()["unanswered"]] == ["Et puis-je payer en trois fois ?"]
    assert stopped.json()["check"]["answered"] == [True, False]
    assert not OutboundMessage.objects.filter(kind=OutboundMessage.Kind.REPLY).exists()

    sent = api.post(path, {"body": PARTIAL, "confirm_unanswered": True})

    assert sent.status_code == 201, sent.content
    reply = sent.json()
    assert (reply["direction"], reply["author"]) == ("outbound", agent.pk)
    assert reply["in_reply_to"] == "q@example.fr"
    question = ticket.messages.get(message_id="q@example.fr")
    skipped = ticket.events.filter(kind=TicketEvent.Kind.ASK_SKIPPED)
    assert [(e.data, e.message_id, e.actor_id) for e in skipped] == [
        (
            {"ask": "Et puis-je payer en trois fois ?", "asked_in": question.pk},
            reply["id"],
            agent.pk,
        )
    ]
    queued = OutboundMessage.objects.get(kind=OutboundMessage.Kind.REPLY)
    headers = email.message_from_bytes(bytes(queued.data))
    assert headers["In-Reply-To"] == "<q@example.fr>"
    assert headers["References"] == "<q@example.fr>"
    assert queued.recipients == ["marie.dupont@example.fr"]
    ticket.refresh_from_db()
    assert ticket.status == "waiting"
    assert ticket.first_response_at is not None


def test_a_complete_reply_is_sent_at_once(api_as, agent, mail_ticket):
    ticket = mail_ticket()

    sent = api_as(agent).post(
        f"/tickets/{ticket.pk}/replies", {"body": COMPLETE, "status": "solved"}
    )

    assert sent.status_code == 201, sent.content
    assert not ticket.events.filter(kind=TicketEvent.Kind.ASK_SKIPPED).exists()
    ticket.refresh_from_db()
    assert ticket.status == "solved"
    assert api_as(agent).get(f"/tickets/{ticket.pk}").json()["open_asks"] == []


def test_a_blank_reply_is_refused_in_words(api_as, agent, mail_ticket):
    ticket = mail_ticket()

    response = api_as(agent).post(f"/tickets/{ticket.pk}/replies", {"body": "  \n "})

    assert response.status_code == 400
    assert response.json() == {"detail": "the reply is empty"}


def test_a_note_joins_the_thread_and_is_never_mailed(api_as, agent, mail_ticket):
    ticket = mail_ticket()
    api = api_as(agent)

    response = api.post(f"/tickets/{ticket.pk}/notes", {"body": "Client fidèle, geste possible."})

    assert response.status_code == 201
    assert response.json()["direction"] == "note"
    thread = api.get(f"/tickets/{ticket.pk}/messages").json()
    # The customer's mail, the acknowledgement the desk sent, the note.
    assert [m["direction"] for m in thread] == ["inbound", "outbound", "note"]
    assert thread[1]["author"] is None
    assert thread[0]["asks"][0]["text"] == "Quand ma commande 4512 sera-t-elle livrée ?"
    assert thread[0]["nlp_version"]
    assert not OutboundMessage.objects.filter(kind=OutboundMessage.Kind.REPLY).exists()
    assert ticket.events.filter(kind=TicketEvent.Kind.NOTE_ADDED).count() == 1
