"""Hostile searches, comments and articles: a clear refusal or an escaped echo, never a 500,
never markup rendered as markup."""

from __future__ import annotations

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from answerdesk.knowledge.models import Article, ArticleFeedback

pytestmark = pytest.mark.django_db

MARKUP = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</textarea><b id=injected>",
    "<a href='javascript:alert(1)'>x</a>",
    "<svg/onload=alert(1)>",
    "{{ request }}{% debug %}",
]
# Text a browser could send: any character but lone surrogates, which no encoding carries.
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=120)
HOSTILE = st.one_of(
    st.tuples(TEXT, st.sampled_from(MARKUP), TEXT).map("".join),
    st.text(st.characters(exclude_categories=["Cs"]), min_size=150, max_size=260),
    st.sampled_from(["\x00", "a\x00b", "\u202eevil", "%00", "' OR 1=1 --", " " * 300]),
)
SLOW = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def markup_in(text: str) -> list[str]:
    return [m for m in MARKUP if m in text and "<" in m]


@SLOW
@given(query=HOSTILE)
def test_a_hostile_search_is_answered_or_refused_never_executed(demo_faq, query):
    page = Client().get("/faq/fr/", {"q": query})

    assert page.status_code in (200, 400)
    text = page.content.decode()
    for raw in markup_in(query):
        assert raw not in text
    if page.status_code == 400:
        assert 'class="errorlist"' in text


def test_an_oversized_search_is_refused_with_the_limit(client: Client, demo_faq):
    query = " ".join(["delivery"] * 500)
    page = client.get("/faq/en/", {"q": query})

    assert page.status_code == 400
    assert "Searches are limited to 200 characters (this one has 4499)" in page.content.decode()
    assert page.context["results"] is None


def test_a_null_character_in_a_search_is_refused(client: Client, demo_faq):
    page = client.get("/faq/en/", {"q": "delivery\x00"})
    assert page.status_code == 400
    assert "Null characters are not allowed." in page.content.decode()


@SLOW
@given(comment=HOSTILE)
def test_a_hostile_comment_is_stored_as_text_or_refused(make_staff, delivery_fr, comment):
    visitor = Client()
    response = visitor.post("/faq/fr/delais-de-livraison/", {"helpful": "no", "comment": comment})

    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert 'class="errorlist"' in response.content.decode()
        return
    stored = ArticleFeedback.objects.latest("pk")
    assert "\x00" not in stored.comment
    editor = Client()
    editor.force_login(make_staff("supervisor", f"sofia{stored.pk}"))
    text = editor.get(f"/desk/faq/{delivery_fr.pk}/").content.decode()
    for raw in markup_in(stored.comment):
        assert raw not in text


@SLOW
@given(title=st.tuples(TEXT, st.sampled_from(MARKUP)).map("".join), answer=HOSTILE)
def test_an_article_is_shown_as_plain_text(demo_faq, title, answer):
    title = title.replace("\x00", "")[:200] or "x"
    answer = answer.replace("\x00", "") or "x"
    Article.objects.update_or_create(
        language="en",
        slug="hostile",
        defaults={"title": title, "question": title, "answer": answer},
    )
    page = Client().get("/faq/en/hostile/")

    assert page.status_code == 200
    text = page.content.decode()
    for raw in markup_in(title) + markup_in(answer):
        assert raw not in text


@pytest.mark.parametrize(
    "path",
    [
        "/faq/fr/%3Cscript%3E/",
        "/faq/fr/%00/",
        "/faq/fr/categories/%3Cb%3E/",
        "/faq/fr/categories/delivery/?page=99999999999999999999999",
        "/faq/fr/categories/delivery/?page=%3Cb%3E",
        "/faq/xx/",
    ],
)
def test_hostile_addresses_are_not_found_or_harmless(client: Client, demo_faq, path):
    assert client.get(path).status_code in (200, 404)
