"""The status page behind its signed link, and the survey sent when a ticket is solved."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from email import message_from_bytes
from email.policy import default
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from answerdesk.mail.models import OutboundMessage
from answerdesk.portal.tests.helpers import CONTACT, posted
from answerdesk.tickets import actions
from answerdesk.tickets.models import Message, SatisfactionRating, Ticket, TicketEvent
from answerdesk.tickets.status_links import (
    LinkRefused,
    status_token,
    survey_token,
    ticket_for_status,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


@pytest.fixture
def ticket() -> Ticket:
    Client().post("/contact/", posted(**CONTACT))
    return Ticket.objects.get()


def test_the_status_page_shows_the_thread_but_never_the_notes(
    ticket: Ticket, make_staff: Callable[..., Any]
) -> None:
    agent = make_staff("supervisor", "sofia")
    actions.add_note(ticket, author=agent, body="Client difficile, voir avec la compta")
    page = Client().get(f"/status/{status_token(ticket)}/").content.decode()
    assert ticket.reference in page
    assert "Opaline" in page  # the customer's own message
    assert "compta" not in page


def test_the_customer_replies_from_the_status_page_into_the_same_ticket(ticket: Ticket) -> None:
    url = f"/status/{status_token(ticket)}/"
    response = Client().post(url, {"message": "J'ajoute : livraison au 2e étage."})
    assert response.status_code == 302
    assert Ticket.objects.count() == 1
    reply = ticket.messages.filter(direction=Message.Direction.INBOUND).order_by("pk").last()
    assert reply is not None
    assert "2e étage" in reply.text
    assert reply.from_email == "marie.dupont@example.fr"


def test_forged_revoked_and_expired_links_are_refused_clearly(
    ticket: Ticket, make_staff: Callable[..., Any]
) -> None:
    token = status_token(ticket)
    other = token.replace(token[-5:], "AAAAA")
    assert Client().get(f"/status/{other}/").status_code == 404
    assert Client().get(f"/status/{'x' * 5000}/").status_code == 404
    with pytest.raises(LinkRefused, match="expired"):
        ticket_for_status(token, max_age=dt.timedelta(seconds=-1))
    desk = Client()
    desk.force_login(make_staff("supervisor", "sofia"))
    desk.post(f"/desk/tickets/{ticket.pk}/revoke-links/")
    revoked = Client().get(f"/status/{token}/")
    assert revoked.status_code == 403
    assert "no longer valid" in revoked.content.decode()
    ticket.refresh_from_db()
    assert Client().get(f"/status/{status_token(ticket)}/").status_code == 200


def test_a_link_for_one_ticket_never_opens_another(ticket: Ticket) -> None:
    Client().post("/contact/", posted(**{**CONTACT, "email": "paul@example.fr"}))
    second = Ticket.objects.exclude(pk=ticket.pk).get()
    assert ticket_for_status(status_token(second)) == second
    # A survey token is not a status token, though both are signed for the same ticket.
    assert Client().get(f"/status/{survey_token(ticket)}/").status_code == 404


def test_solving_a_ticket_sends_the_survey_once(
    ticket: Ticket, make_staff: Callable[..., Any]
) -> None:
    agent = make_staff("supervisor", "sofia")
    actions.set_status(ticket, Ticket.Status.SOLVED, by=agent)
    actions.set_status(ticket, Ticket.Status.CLOSED, by=agent)
    survey = OutboundMessage.objects.get(kind=OutboundMessage.Kind.SURVEY)
    mail = message_from_bytes(bytes(survey.data), policy=default)
    assert mail["Auto-Submitted"] == "auto-replied"
    body = mail.get_body().get_content()  # type: ignore[union-attr]
    assert "/survey/" in body
    assert "?score=5" in body
    assert "résolue" in body  # in the customer's language
    assert ticket.events.filter(kind=TicketEvent.Kind.SURVEY_SENT).count() == 1


def test_opening_the_survey_records_nothing_sending_it_does(ticket: Ticket) -> None:
    url = f"/survey/{survey_token(ticket)}/"
    page = Client().get(url + "?score=4")
    assert page.status_code == 200
    chosen = re.findall(
        r'<input type="radio" name="score" value="(\d)"[^>]*checked', page.content.decode()
    )
    assert chosen == ["4"]
    assert not SatisfactionRating.objects.exists()
    Client().post(url, {"score": "4", "comment": "<script>alert(1)</script> rapide"})
    rating = SatisfactionRating.objects.get()
    assert rating.score == 4
    assert ticket.events.get(kind=TicketEvent.Kind.RATED).data["score"] == 4
    assert Client().post(url, {"score": "9"}).status_code == 400


def test_the_rating_shows_on_the_ticket_in_the_desk_as_text(
    ticket: Ticket, make_staff: Callable[..., Any]
) -> None:
    Client().post(f"/survey/{survey_token(ticket)}/", {"score": "2", "comment": "<b>lent</b>"})
    desk = Client()
    desk.force_login(make_staff("supervisor", "sofia"))
    page = desk.get(f"/desk/tickets/{ticket.pk}/").content.decode()
    assert "2/5" in page
    assert "&lt;b&gt;lent&lt;/b&gt;" in page
