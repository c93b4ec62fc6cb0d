"""A visitor uses the FAQ in a real browser with JavaScript switched off, by keyboard only:
search from the home page, open the best answer, say it helped."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from answerdesk.desk.tests.test_browser import CHROMIUM, CHROMIUM_ARGS
from answerdesk.knowledge.actions import load_articles
from answerdesk.knowledge.models import ArticleFeedback
from answerdesk.tickets.management.commands.demo import DEMO_FAQ


@pytest.fixture
def page_without_script() -> Iterator[Page]:
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # ORM calls between browser steps
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(java_script_enabled=False, locale="fr-FR")
        yield context.new_page()
        context.close()
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def tab_to(page: Page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element has the focus, as a keyboard user would."""
    target = page.locator(selector)
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{selector} cannot be reached with Tab")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_visitor_finds_an_answer_and_says_it_helped_by_keyboard(live_server, page_without_script):
    load_articles(DEMO_FAQ)
    page = page_without_script

    page.goto(f"{live_server.url}/")
    tab_to(page, "#id_q")
    page.keyboard.type("Combien de temps pour recevoir ma commande ?")
    page.keyboard.press("Enter")
    expect(page).to_have_url(
        f"{live_server.url}/faq/fr/?q=Combien+de+temps+pour+recevoir+ma+commande+%3F"
    )
    first = page.locator(".faq-results li a").first
    expect(first).to_have_text("Délais de livraison")

    tab_to(page, ".faq-results li:first-child a")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Délais de livraison")

    tab_to(page, "#id_helpful_0")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.type("Très clair, merci.")
    tab_to(page, ".faq-feedback button[type=submit]")
    page.keyboard.press("Enter")

    expect(page.locator(".faq-feedback [role=status]")).to_be_visible()
    stored = ArticleFeedback.objects.get()
    assert (stored.article.slug, stored.helpful, stored.comment) == (
        "delais-de-livraison",
        True,
        "Très clair, merci.",
    )
