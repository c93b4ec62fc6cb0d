"""The desk's main flow in a real browser (Debian's chromium, driven by Playwright).

Log in, open the overdue inbox, open a ticket with two asks, write a reply that answers one
and see the gate flag the other, complete it, send it, and see it reach an SMTP peer on
loopback with the threading headers. Screenshots go to $ANSWERDESK_SCREENSHOT_DIR when set
(docs/screenshots/ is made that way), to the test's temporary directory otherwise.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from email import message_from_bytes
from email.policy import default
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone
from playwright.sync_api import Page, expect, sync_playwright

from answerdesk.mail.actions import do_accept, do_process
from answerdesk.mail.outbound import SmtpTransport, deliver_due
from answerdesk.mail.tests.mails import make_mail
from answerdesk.mail.tests.test_live_mail import Sink
from answerdesk.mail.tests.test_smtp_listener import free_port
from answerdesk.tickets.models import AgentProfile, Ticket

CHROMIUM = "/usr/bin/chromium"
# As root in a container, without the network: no sandbox, and nothing phoning home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
QUESTION = (
    "Bonjour,\r\n\r\nJ'ai commandé une lampe Opaline le 12 novembre (commande 4512).\r\n"
    "Quand ma commande 4512 sera-t-elle livrée ?\r\n"
    "Et puis-je payer en trois fois ?\r\n\r\nMerci d'avance,\r\nMarie Dupont\r\n"
)
FIRST_ANSWER = "Bonjour Marie,\n\nVotre commande 4512 sera livrée jeudi."
SECOND_ANSWER = "\nOui, vous pouvez payer en trois fois sans frais par carte bancaire."


@pytest.fixture
def sink() -> Iterator[tuple[Sink, int]]:
    handler, port = Sink(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


@pytest.fixture
def page() -> Iterator[Page]:
    # Playwright's synchronous API runs an event loop in this thread; the ORM calls the
    # test makes between browser steps are ordinary synchronous calls all the same.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(viewport={"width": 1360, "height": 900}, locale="en-GB")
        yield context.new_page()
        context.close()
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def screenshots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("ANSWERDESK_SCREENSHOT_DIR", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_an_agent_answers_both_asks_of_an_overdue_ticket(
    live_server, page, make_staff, blob_store, sink, screenshots
):
    agent = make_staff("agent", "camille", first_name="Camille")
    AgentProfile.objects.create(user=agent, signature="Camille\nService client Luminaires")
    mail = make_mail(message_id="opaline-4512@example.fr", subject="Ma lampe", body=QUESTION)
    do_process(do_accept([("smtp:192.0.2.1", mail)]).pending, store=blob_store)
    for n, subject in enumerate(["Facture en double", "Password reset link expired"]):
        other = make_mail(message_id=f"other{n}@example.fr", subject=subject, sender=f"c{n}@x.fr")
        do_process(do_accept([("smtp:192.0.2.1", other)]).pending, store=blob_store)
    ticket = Ticket.objects.get(subject="Ma lampe")
    Ticket.objects.filter(pk=ticket.pk).update(due_at=timezone.now() - dt.timedelta(hours=3))

    # 1. Log in and open the overdue inbox.
    page.goto(f"{live_server.url}/desk/login/")
    page.get_by_label("Username").fill("camille")
    page.get_by_label("Password").fill("password")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_selector("html[data-desk-ready=yes]", state="attached")
    page.keyboard.press("g")
    page.keyboard.press("o")  # the keyboard shortcut for the overdue inbox
    expect(page).to_have_url(f"{live_server.url}/desk/inbox/overdue/")
    row = page.locator("tr.ticket-row", has_text="Ma lampe")
    expect(row).to_contain_text("overdue by")
    page.screenshot(path=screenshots / "inbox.png", full_page=True)

    # 2. Open the ticket (j moves to the first row, o opens it): two asks on the checklist.
    page.wait_for_selector("html[data-desk-ready=yes]", state="attached")
    page.keyboard.press("j")
    page.keyboard.press("o")
    asks = page.locator("[data-ask]")
    expect(asks).to_have_count(2)

    # 3. A reply that answers one ask: the gate flags the other.
    composer = page.locator("#reply-body")
    page.wait_for_selector("html[data-desk-ready=yes]", state="attached")
    composer.fill(FIRST_ANSWER)
    expect(asks.nth(0).locator("[data-ask-state]")).to_have_text("answered")
    expect(asks.nth(1).locator("[data-ask-state]")).to_have_text("not answered")
    page.screenshot(path=screenshots / "ticket.png", full_page=True)
    dialogs: list[str] = []

    def refuse(dialog):  # the agent thinks again
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", refuse)
    page.get_by_role("button", name="Send reply").click()
    page.wait_for_timeout(300)
    assert dialogs
    assert "Et puis-je payer en trois fois ?" in dialogs[0]
    assert not ticket.messages.filter(author=agent).exists()

    # 4. Complete the reply and send it: no question asked.
    composer.press("End")
    composer.type(SECOND_ANSWER)
    expect(asks.nth(1).locator("[data-ask-state]")).to_have_text("answered")
    page.get_by_role("button", name="Send reply").click()
    expect(page.locator(".flash")).to_contain_text("Reply queued")
    expect(page.get_by_test_id("status")).to_have_text("Waiting on customer")

    # 5. The worker delivers it to the SMTP peer, threaded under the customer's message.
    handler, port = sink
    sent = deliver_due(SmtpTransport("127.0.0.1", port), now=timezone.now())
    assert sent["sent"] >= 1
    replies = [message_from_bytes(raw, policy=default) for raw in handler.received]
    reply = next(m for m in replies if "Ma lampe" in str(m["Subject"]) and not m["Auto-Submitted"])
    assert reply["In-Reply-To"] == "<opaline-4512@example.fr>"
    assert "<opaline-4512@example.fr>" in reply["References"]
    assert ticket.reference in reply["Subject"]
    body = reply.get_content()
    assert "sera livrée jeudi" in body
    assert "trois fois" in body
    assert "Service client Luminaires" in body
    ticket.refresh_from_db()
    assert ticket.first_response_at is not None


HOSTILE_HTML = """<html><body><p>Bonjour, voici ma facture.</p>
<img src=x onerror="window.__pwned = 'img'">
<script>window.__pwned = 'script'</script>
<svg onload="window.__pwned = 'svg'"></svg>
<a href="javascript:window.__pwned='link'" id="trap">cliquez ici</a>
<img src="http://127.0.0.1:9/tracker.gif">
<iframe src="javascript:parent.__pwned='frame'"></iframe>
</body></html>"""


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_hostile_html_mail_runs_nothing_in_the_desk(live_server, page, make_staff, blob_store):
    from email.message import EmailMessage

    mail = EmailMessage()
    mail["From"] = "mallory@example.com"
    mail["To"] = "support@answerdesk.test"
    mail["Subject"] = "Facture"
    mail["Message-ID"] = "<hostile@example.com>"
    mail.set_content("Bonjour, voici ma facture.")
    mail.add_alternative(HOSTILE_HTML, subtype="html")
    do_process(do_accept([("smtp:192.0.2.1", mail.as_bytes())]).pending, store=blob_store)
    ticket = Ticket.objects.get(subject="Facture")
    make_staff("supervisor", "sofia")
    dialogs: list[str] = []

    def refuse(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", refuse)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))

    page.goto(f"{live_server.url}/desk/login/")
    page.get_by_label("Username").fill("sofia")
    page.get_by_label("Password").fill("password")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/desk/tickets/{ticket.pk}/")
    expect(page.locator(".html-body")).to_contain_text("voici ma facture")
    expect(page.locator(".blocked-images")).to_be_visible()
    page.locator(".html-body a", has_text="cliquez ici").click()
    page.wait_for_timeout(300)

    assert page.evaluate("window.__pwned") is None
    assert dialogs == []
    assert not [url for url in requests if "tracker.gif" in url]
