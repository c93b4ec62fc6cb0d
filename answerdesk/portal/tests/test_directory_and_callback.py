"""The staff directory routes a message to the chosen person (or a colleague while they are
away); a callback request becomes a phone ticket with its own SLA and a call log."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from answerdesk.blob_store import BlobStore
from answerdesk.mail.actions import do_accept, do_process
from answerdesk.mail.portal_facts import portal_header
from answerdesk.mail.tests.mails import make_mail
from answerdesk.portal import actions
from answerdesk.portal.models import CallbackRequest, DirectoryEntry
from answerdesk.portal.tests.helpers import CONTACT, posted
from answerdesk.sla.actions import current_rules
from answerdesk.tickets.models import AgentProfile, Channel, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


def _listed(
    user: Any, topics: str, *, available: bool = True, listed: bool = True
) -> DirectoryEntry:
    AgentProfile.objects.update_or_create(
        user=user, defaults={"topics": topics, "available": available, "languages": ["fr"]}
    )
    return DirectoryEntry.objects.create(
        user=user, listed=listed, display_name=user.username.title(), bio="<b>Lampes</b>"
    )


def test_the_directory_lists_only_those_who_opted_in(make_staff: Callable[..., Any]) -> None:
    _listed(make_staff("agent", "camille"), "lampes, variateurs")
    hidden = _listed(make_staff("agent", "hugo"), "livraison", listed=False)
    page = Client().get("/team/").content.decode()
    assert "Camille" in page
    assert "lampes" in page
    assert "Hugo" not in page
    assert Client().get(f"/team/{hidden.pk}/").status_code == 404
    # What staff wrote about themselves is shown as text, never as markup.
    member = Client().get(f"/team/{DirectoryEntry.objects.get(listed=True).pk}/")
    assert "&lt;b&gt;Lampes&lt;/b&gt;" in member.content.decode()


def test_a_message_to_a_person_is_routed_to_them(make_staff: Callable[..., Any]) -> None:
    make_staff("agent", "hugo")  # another agent the usual rules could have chosen
    AgentProfile.objects.create(user=make_staff("agent", "lea"), topics="commande, livraison")
    entry = _listed(make_staff("agent", "camille"), "lampes")
    response = Client().post(f"/team/{entry.pk}/", posted(**CONTACT))
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.assignee_id == entry.user_id
    event = ticket.events.get(kind=TicketEvent.Kind.ASSIGNED)
    assert "staff directory" in event.reason


def test_while_they_are_away_a_colleague_with_their_topics_answers(
    make_staff: Callable[..., Any],
) -> None:
    entry = _listed(make_staff("agent", "camille"), "lampes, variateurs", available=False)
    AgentProfile.objects.create(user=make_staff("agent", "hugo"), topics="livraison, commande")
    lea = make_staff("agent", "lea")
    AgentProfile.objects.create(user=lea, topics="variateurs, ampoules")
    page = Client().get(f"/team/{entry.pk}/").content.decode()
    assert "is away" in page
    Client().post(f"/team/{entry.pk}/", posted(**CONTACT))
    ticket = Ticket.objects.get()
    assert ticket.assignee_id == lea.pk
    reason = ticket.events.get(kind=TicketEvent.Kind.ASSIGNED).reason
    assert "camille is away" in reason
    assert "variateurs" in reason


def test_the_portal_header_in_mail_from_outside_is_ignored(
    make_staff: Callable[..., Any], blob_store: BlobStore
) -> None:
    """Anyone can write the header into a mail: it must neither pick the agent nor turn
    the mail into a callback with a four-hour target."""
    camille = make_staff("agent", "camille")
    AgentProfile.objects.create(user=camille, available=False)
    forged = f"X-Answerdesk-Portal: {portal_header(Channel.PHONE, camille.pk)}\r\n"
    accepted = do_accept([("smtp", make_mail(message_id="forged@x", extra_headers=forged))])
    do_process(accepted.pending, store=blob_store)
    ticket = Ticket.objects.get()
    assert ticket.channel == Channel.EMAIL
    assert ticket.assignee_id is None


CALLBACK = {
    "name": "Jean Martin",
    "phone": "06 12 34 56 78",
    "email": "",
    "slot": "morning",
    "topic": "Installation de mon variateur",
}


def test_a_callback_request_becomes_a_phone_ticket_due_within_four_business_hours() -> None:
    response = Client(HTTP_ACCEPT_LANGUAGE="fr").post("/callback/", posted(**CALLBACK))
    assert response.status_code == 302
    request = CallbackRequest.objects.get()
    assert request.phone == "+33612345678"  # E.164
    ticket = Ticket.objects.get()
    assert ticket.channel == Channel.PHONE
    assert list(actions.callbacks_for(ticket)) == [request]
    received = ticket.messages.get().received_at
    assert ticket.due_at == current_rules().due(ticket.kind, Channel.PHONE, received)
    assert current_rules().due(ticket.kind, Channel.PHONE, received) < current_rules().due(
        ticket.kind, Channel.EMAIL, received
    )
    # No email address: nothing to acknowledge to, and the timeline says so.
    assert ticket.events.filter(kind=TicketEvent.Kind.NOT_ACKNOWLEDGED).exists()


@pytest.mark.parametrize("phone", ["12", "not a number", "+33 1", "0" * 40, "+999 123 456 789"])
def test_a_number_that_cannot_be_called_is_refused(phone: str) -> None:
    response = Client().post("/callback/", posted(**{**CALLBACK, "phone": phone}))
    assert response.status_code == 400
    assert not CallbackRequest.objects.exists()


def test_a_day_in_the_past_is_refused() -> None:
    past = (dt.date.today() - dt.timedelta(days=3)).isoformat()
    response = Client().post("/callback/", posted(**{**CALLBACK, "preferred_date": past}))
    assert "within the next two months" in response.content.decode()


def test_the_agent_logs_the_call_and_it_counts_as_the_first_response(
    make_staff: Callable[..., Any],
) -> None:
    Client().post("/callback/", posted(**{**CALLBACK, "email": "jean@example.fr"}))
    ticket = Ticket.objects.get()
    agent = make_staff("supervisor", "sofia")
    desk = Client()
    desk.force_login(agent)
    page = desk.get(f"/desk/tickets/{ticket.pk}/").content.decode()
    assert "+33612345678" in page
    request = CallbackRequest.objects.get()
    desk.post(
        f"/desk/tickets/{ticket.pk}/call/",
        {"callback": request.pk, "outcome": "reached", "note": "Expliqué le câblage"},
    )
    request.refresh_from_db()
    ticket.refresh_from_db()
    assert request.outcome == "reached"
    assert request.called_by_id == agent.pk
    assert ticket.first_response_at == request.called_at
    assert ticket.events.filter(kind=TicketEvent.Kind.CALLBACK_LOGGED).exists()
    refused = desk.post(f"/desk/tickets/{ticket.pk}/call/", {"callback": 999, "outcome": "reached"})
    assert refused.status_code == 404


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (900, 600), "orange").save(out, format="PNG")
    return out.getvalue()


def test_staff_edit_their_own_entry_and_photo_in_the_desk(make_staff: Callable[..., Any]) -> None:
    camille = make_staff("agent", "camille")
    desk = Client()
    desk.force_login(camille)
    assert desk.get("/desk/profile/").status_code == 200
    response = desk.post(
        "/desk/profile/",
        {
            "listed": "on",
            "display_name": "Camille Roux",
            "job_title": "Conseillère éclairage",
            "bio": "Dix ans de luminaires.",
            "topics": "lampes, variateurs",
            "languages": ["fr", "en"],
            "photo": SimpleUploadedFile("me.png", _png(), "image/png"),
        },
    )
    assert response.status_code == 302
    entry = DirectoryEntry.objects.get(user=camille)
    assert AgentProfile.objects.get(user=camille).topics == "lampes, variateurs"
    photo = Client().get(f"/team/{entry.pk}/photo/")
    assert photo["Content-Type"] == "image/jpeg"
    image = Image.open(io.BytesIO(photo.getvalue()))
    assert max(image.size) == 400  # re-encoded, bounded
    not_an_image = desk.post(
        "/desk/profile/",
        {"display_name": "C", "photo": SimpleUploadedFile("x.png", b"<svg onload=alert(1)>")},
    )
    assert "cannot be used" in not_an_image.content.decode()
