"""The portal in a real browser (Debian's chromium, driven by Playwright): a visitor writes
through the contact form and sees the FAQ answers for each question at once, the
acknowledgement reaches an SMTP peer on loopback; a callback request becomes a phone
ticket; a message written from the staff directory reaches the person chosen.

The forms' time trap is real here: the visitor waits before sending, as a person would.
Screenshots go to $ANSWERDESK_SCREENSHOT_DIR when set (docs/screenshots/).
"""

from __future__ import annotations

from email import message_from_bytes
from email.policy import default
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from answerdesk.knowledge.actions import load_articles
from answerdesk.mail.outbound import SmtpTransport, deliver_due
from answerdesk.portal.models import CallbackRequest, DirectoryEntry
from answerdesk.portal.robots import MIN_SECONDS
from answerdesk.tickets.models import AgentProfile, Channel, Ticket

FAQ = Path(__file__).resolve().parents[2] / "demo" / "faq.json"
QUESTION = (
    "Bonjour,\n\nJ'ai commandé une lampe Opaline le 12 novembre.\n"
    "Combien de temps faut-il pour recevoir ma commande ?\n"
    "Et puis-je payer en plusieurs fois ?\n\nMerci,\nMarie Dupont"
)


def _wait_like_a_person(page: Page) -> None:
    page.wait_for_timeout((MIN_SECONDS + 0.5) * 1000)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_visitor_writes_sees_answers_and_gets_the_acknowledgement(
    live_server, page, sink, screenshots, settings
):
    settings.ANSWERDESK_PUBLIC_URL = live_server.url  # the links in mail point here
    load_articles(FAQ)
    page.goto(f"{live_server.url}/")
    page.screenshot(path=screenshots / "portal-home.png", full_page=True)
    page.get_by_role("link", name="Contact us").first.click()
    page.get_by_label("Your name").fill("Marie Dupont")
    page.get_by_label("Your email address").fill("marie.dupont@example.fr")
    page.get_by_label("Subject").fill("Ma commande Opaline")
    page.get_by_label("Your message").fill(QUESTION)
    _wait_like_a_person(page)
    page.get_by_role("button", name="Send").click()

    expect(page.get_by_role("heading", name="We have received your message")).to_be_visible()
    ticket = Ticket.objects.get()
    assert ticket.channel == Channel.FORM
    expect(page.get_by_test_id("reference")).to_have_text(ticket.reference)
    expect(page.get_by_test_id("ask")).to_have_count(2)
    expect(page.get_by_test_id("suggestion").first).to_be_visible()
    page.screenshot(path=screenshots / "portal-received.png", full_page=True)

    handler, port = sink
    assert deliver_due(SmtpTransport("127.0.0.1", port), now=timezone.now())["sent"] == 1
    ack = message_from_bytes(handler.received[0], policy=default)
    assert ack["To"] == "marie.dupont@example.fr"
    assert ticket.reference in ack["Subject"]
    assert ack["Auto-Submitted"] == "auto-replied"
    body = ack.get_body().get_content()  # type: ignore[union-attr]
    status_link = next(w for w in body.split() if "/status/" in w)

    # The link in the acknowledgement opens the request, and the visitor adds to it.
    page.goto(status_link)
    expect(page.get_by_test_id("status")).to_have_text("New")
    page.get_by_label("Add to your request").fill("Je précise : livraison au 2e étage.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Your message was added to your request.")).to_be_visible()
    expect(page.get_by_text("livraison au 2e étage")).to_be_visible()
    page.screenshot(path=screenshots / "portal-status.png", full_page=True)
    assert ticket.messages.filter(direction="inbound").count() == 2


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_callback_request_becomes_a_phone_ticket(live_server, page, screenshots):
    page.goto(f"{live_server.url}/callback/")
    page.get_by_label("Your name").fill("Jean Martin")
    page.get_by_label("Phone number").fill("06 12 34 56 78")
    page.get_by_label("Preferred time").select_option("afternoon")
    page.get_by_label("What is it about?").fill("Installer mon variateur")
    page.screenshot(path=screenshots / "portal-callback.png", full_page=True)
    _wait_like_a_person(page)
    page.get_by_role("button", name="Ask for a call").click()
    expect(page.get_by_text("We will call you on +33612345678")).to_be_visible()
    ticket = Ticket.objects.get()
    assert ticket.channel == Channel.PHONE
    assert CallbackRequest.objects.get().slot == "afternoon"


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_staff_directory_routes_a_message_to_the_chosen_person(
    live_server, page, make_staff, screenshots
):
    for username, name, topics in [
        ("camille", "Camille Roux", "lampes, variateurs"),
        ("hugo", "Hugo Petit", "livraison, retours"),
    ]:
        user = make_staff("agent", username)
        AgentProfile.objects.create(user=user, topics=topics, languages=["fr", "en"])
        DirectoryEntry.objects.create(
            user=user, listed=True, display_name=name, job_title="Conseil client"
        )
    page.goto(f"{live_server.url}/team/")
    expect(page.get_by_test_id("person")).to_have_count(2)
    page.screenshot(path=screenshots / "portal-team.png", full_page=True)
    page.get_by_role("link", name="Hugo Petit").click()
    page.get_by_label("Your name").fill("Paul Girard")
    page.get_by_label("Your email address").fill("paul@example.fr")
    page.get_by_label("Subject").fill("Retour d'un lustre")
    page.get_by_label("Your message").fill("Bonjour Hugo, comment renvoyer mon lustre ?")
    _wait_like_a_person(page)
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", name="We have received your message")).to_be_visible()
    ticket = Ticket.objects.get()
    assert ticket.assignee is not None
    assert ticket.assignee.get_username() == "hugo"
