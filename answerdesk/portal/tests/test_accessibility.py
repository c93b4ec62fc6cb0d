"""Every public page: one main heading, the page's language declared, every field with a
label, and the way there reachable from the keyboard (a skip link)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from answerdesk.portal.models import DirectoryEntry
from answerdesk.tickets.models import AgentProfile

pytestmark = pytest.mark.django_db


def _problems(html: str) -> list[str]:
    tree = HTMLParser(html)
    problems = []
    root = tree.css_first("html")
    if root is None or not root.attributes.get("lang"):
        problems.append("no lang on <html>")
    if len(tree.css("h1")) != 1:
        problems.append(f"{len(tree.css('h1'))} h1 headings")
    if tree.css_first("a.skip[href='#content']") is None or tree.css_first("#content") is None:
        problems.append("no skip link to the content")
    labelled = {node.attributes.get("for") for node in tree.css("label[for]")}
    for field in tree.css("input, select, textarea"):
        kind = field.attributes.get("type", "")
        if kind in ("hidden", "submit"):
            continue
        inside_label = any(p.tag == "label" for p in _ancestors(field))
        inside_legend = field.attributes.get("type") == "radio" and inside_label
        if field.attributes.get("id") not in labelled and not inside_label and not inside_legend:
            problems.append(f"unlabelled {field.tag} {field.attributes.get('name')}")
    return problems


def _ancestors(node: Any) -> list[Any]:
    found = []
    while node.parent is not None:
        node = node.parent
        found.append(node)
    return found


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("path", ["/", "/contact/", "/callback/", "/team/"])
def test_public_pages_are_labelled_and_navigable(path: str, language: str) -> None:
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get(path)
    assert response.status_code == 200
    assert _problems(response.content.decode()) == []


def test_a_person_page_is_labelled_and_navigable(make_staff: Callable[..., Any]) -> None:
    user = make_staff("agent", "camille")
    AgentProfile.objects.create(user=user, topics="lampes")
    entry = DirectoryEntry.objects.create(user=user, listed=True, display_name="Camille")
    assert _problems(Client().get(f"/team/{entry.pk}/").content.decode()) == []
