"""A visitor and an agent chat in a real browser (Debian's chromium, driven by Playwright).

The ASGI application (HTTP and websockets) runs under uvicorn in a thread against the test
database; the visitor's page is on another origin (a shop on 127.0.0.2) that embeds the
widget with its one script tag. The agent logs into the desk and answers from the chats
page. Screenshots go to $ANSWERDESK_SCREENSHOT_DIR when set, to the test's temporary
directory otherwise.
"""

from __future__ import annotations

import functools
import os
import threading
import time
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from asgiref.sync import SyncToAsync
from django.db import connections
from playwright.sync_api import Browser, expect, sync_playwright

from answerdesk.chat.models import ChatSession
from answerdesk.desk.tests.test_browser import CHROMIUM, CHROMIUM_ARGS
from answerdesk.mail.tests.test_smtp_listener import free_port
from answerdesk.tickets.models import Channel, Message

SHOP = "127.0.0.2"  # another origin on loopback: the site that embeds the widget
QUESTION = "Bonjour, ma lampe Opaline n'est pas arrivée. Quand sera-t-elle livrée ?"
HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script> et le prix ?'
ANSWER = "Bonjour Marie, elle part demain et arrive jeudi. Le prix reste 89 €."


@pytest.fixture
def asgi_server(settings) -> Iterator[str]:
    """The whole application under uvicorn, as `answerdesk serve` runs it, in a thread."""
    from answerdesk.asgi import application

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            application, host="127.0.0.1", port=port, log_level="warning", lifespan="off"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)
    # The chat keeps its database thread's connection open (answerdesk/chat/db_thread.py);
    # close it, or PostgreSQL will not drop the test database.
    SyncToAsync.single_thread_executor.submit(connections.close_all).result(10)


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[str]:
    """A page of another site that embeds the chat: one script tag, nothing else of ours."""
    port = free_port()
    server = ThreadingHTTPServer(
        (SHOP, port), functools.partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://{SHOP}:{port}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def browser() -> Iterator[Browser]:
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def screenshots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("ANSWERDESK_SCREENSHOT_DIR", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_visitor_on_another_site_chats_with_an_agent_in_the_desk(
    settings, asgi_server, shop, browser, make_staff, screenshots, tmp_path
):
    settings.ANSWERDESK_CHAT_ALLOWED_ORIGINS = [shop]
    (tmp_path / "index.html").write_text(
        "<!doctype html><html lang='fr'><head><meta charset='utf-8'><title>Luminaires</title>"
        f"<script src='{asgi_server}/chat/widget.js?lang=fr' defer></script></head>"
        "<body><h1>Luminaires Opaline</h1><p>Notre boutique.</p></body></html>",
        encoding="utf-8",
    )
    make_staff("agent", "camille", first_name="Camille")
    dialogs: list[str] = []

    def refuse(dialog: Any) -> None:  # an alert would mean a script ran
        dialogs.append(dialog.message)
        dialog.dismiss()

    # 1. The visitor opens the widget with no agent online: it offers to leave a message.
    visitor = browser.new_context(
        viewport={"width": 1000, "height": 760}, locale="fr-FR"
    ).new_page()
    visitor.on("dialog", refuse)
    visitor.goto(f"{shop}/index.html")
    visitor.get_by_test_id("chat-launcher").click()
    intro = visitor.get_by_test_id("chat-intro")
    expect(intro).to_have_attribute("data-mode", "leave")

    # 2. The agent logs into the desk and opens the chats page: the widget sees them online.
    agent = browser.new_context(viewport={"width": 1360, "height": 860}, locale="en-GB").new_page()
    agent.on("dialog", refuse)
    agent.goto(f"{asgi_server}/desk/login/")
    agent.get_by_label("Username").fill("camille")
    agent.get_by_label("Password").fill("password")
    agent.get_by_role("button", name="Log in").click()
    agent.goto(f"{asgi_server}/desk/chats/")
    agent.wait_for_selector("html[data-chat-ready=yes]", state="attached")
    expect(intro).to_have_attribute("data-mode", "start")

    # 3. The visitor starts a chat; the agent's list shows it, and the question's ask.
    intro.locator("input[name=name]").fill("Marie Dupont")
    intro.locator("input[name=email]").fill("marie@example.fr")
    intro.locator("textarea[name=text]").fill(QUESTION)
    intro.locator("button[type=submit]").click()
    log = visitor.get_by_test_id("chat-log")
    expect(log.locator(".line.visitor").first).to_have_text(f"{_you(visitor)}{QUESTION}")
    entry = agent.get_by_test_id("chat-list").locator("li", has_text="Marie Dupont")
    expect(entry).to_be_visible()
    entry.locator("button").click()
    agent_log = agent.get_by_test_id("agent-chat-log")
    expect(agent_log).to_contain_text(QUESTION)
    expect(agent.get_by_test_id("chat-asks").locator("li")).to_have_count(1)
    expect(agent.get_by_test_id("visitor-presence")).to_have_text("Visitor connected")

    # 4. Markup typed by the visitor is shown as text, on both sides, and runs nothing.
    visitor.get_by_test_id("chat-input").fill(HOSTILE)
    visitor.get_by_test_id("chat-input").press("Enter")
    expect(agent_log.locator("li.visitor").last).to_contain_text(HOSTILE)
    expect(log.locator(".line.visitor").last).to_contain_text(HOSTILE)

    # 5. The agent types (the widget shows it), then answers.
    composer = agent.get_by_test_id("agent-chat-input")
    composer.type("Bonjour Marie")
    expect(visitor.locator(".typing")).to_contain_text("Camille")
    composer.fill(ANSWER)
    composer.press("Enter")
    expect(log.locator(".line.agent").last).to_contain_text(ANSWER)
    expect(agent_log.locator("li.agent").last).not_to_have_class("agent pending")
    visitor.screenshot(path=screenshots / "chat-widget.png")
    agent.screenshot(path=screenshots / "chat-desk.png", full_page=True)

    assert visitor.evaluate("window.__pwned") is None
    assert agent.evaluate("window.__pwned") is None
    assert dialogs == []

    # 6. The visitor leaves the site: the agent sees it.
    visitor.context.close()
    expect(agent.get_by_test_id("visitor-presence")).to_have_text("Visitor gone")

    # Every line is on the ticket, on the chat channel, in order.
    ticket = ChatSession.objects.get().ticket
    lines = list(ticket.messages.order_by("sent_at", "pk").values_list("direction", "text"))
    assert lines == [
        (Message.Direction.INBOUND, QUESTION),
        (Message.Direction.INBOUND, HOSTILE),
        (Message.Direction.OUTBOUND, ANSWER),
    ]
    assert ticket.channel == Channel.CHAT
    assert ChatSession.objects.get().origin == shop
    # Opened inside Playwright's event loop, this connection is not the one pytest-django
    # closes: close it, or PostgreSQL will not drop the test database.
    connections.close_all()


def _you(page: Any) -> str:
    """The widget's label for the visitor's own lines, in the page's language."""
    script = "document.querySelector('#answerdesk-chat').shadowRoot"
    return str(page.evaluate(f"{script}.querySelector('.line.visitor .who').textContent"))
