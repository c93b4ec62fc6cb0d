"""The public FAQ's pages: browse, search, read, say whether it helped. Every decision is in
actions.py; these check the input and pick the template."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from answerdesk.knowledge.access import access_published_article
from answerdesk.knowledge.actions import (
    published_in,
    record_feedback,
    related_articles,
    search_articles,
)
from answerdesk.knowledge.forms import FeedbackForm, SearchForm
from answerdesk.knowledge.models import LANGUAGES, Article, Category
from answerdesk.knowledge.shelves import shelves

PAGE_SIZE = 50
# The session remembers the visitor's answers, to show them instead of the question; the
# database keeps one answer per session and article whatever the session holds.
VOTES = "faq_feedback"
REMEMBERED_VOTES = 200


def faq_language() -> str:
    """The FAQ to open for this visitor: in their interface language (chosen by the
    language switch or their browser, see LocaleMiddleware), else in the site's."""
    current = (get_language() or "")[:2]
    return current if current in dict(LANGUAGES) else settings.LANGUAGE_CODE[:2]


@require_GET
def root(request: HttpRequest) -> HttpResponse:
    return redirect("knowledge:index", language=faq_language())


def _other_languages(language: str) -> list[tuple[str, str]]:
    return [(code, name) for code, name in LANGUAGES if code != language]


@require_GET
def index(request: HttpRequest, language: str) -> HttpResponse:
    form = SearchForm(request.GET)
    query, results, status = "", None, 200
    if not form.is_valid():
        status = 400
    elif form.cleaned_data["q"]:
        query = form.cleaned_data["q"]
        results = search_articles(query, language)
    context = {
        "language": language,
        "other_languages": _other_languages(language),
        "form": form,
        "query": query,
        "results": results,
        "shelves": shelves(language) if results is None else [],
    }
    return render(request, "knowledge/index.html", context, status=status)


@require_GET
def category(request: HttpRequest, language: str, slug: str) -> HttpResponse:
    shelf = get_object_or_404(Category, slug=slug)
    articles = published_in(language).filter(category=shelf).order_by("title")
    page = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "language": language,
        "other_languages": _other_languages(language),
        "category": shelf,
        "name": shelf.name(language),
        "description": shelf.description(language),
        "page": page,
        "form": SearchForm(),
    }
    return render(request, "knowledge/category.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def article(request: HttpRequest, language: str, slug: str) -> HttpResponse:
    found = access_published_article(language, slug)
    if request.method == "POST":
        return _feedback(request, found)
    return _article_page(request, found, FeedbackForm())


def _article_page(
    request: HttpRequest, found: Article, form: FeedbackForm, status: int = 200
) -> HttpResponse:
    translations = (
        Article.objects.filter(topic=found.topic, published=True).exclude(pk=found.pk)
        if found.topic
        else Article.objects.none()
    )
    context: dict[str, Any] = {
        "language": found.language,
        "article": found,
        "category_name": found.category.name(found.language) if found.category else "",
        "translations": translations.order_by("language"),
        "related": related_articles(found),
        "feedback": form,
        "voted": request.session.get(VOTES, {}).get(str(found.pk)),
        "form": SearchForm(),
    }
    return render(request, "knowledge/article.html", context, status=status)


def _feedback(request: HttpRequest, found: Article) -> HttpResponse:
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        return _article_page(request, found, form, status=400)
    if request.session.session_key is None:
        request.session.save()  # a visitor's first vote: give them a session to count by
    helpful = form.cleaned_data["helpful"]
    session_key = str(request.session.session_key)
    if record_feedback(found, session_key, helpful=helpful, comment=form.cleaned_data["comment"]):
        messages.success(request, _("Thank you: your answer helps us improve this page."))
        votes = dict(request.session.get(VOTES, {}))
        votes[str(found.pk)] = "yes" if helpful else "no"
        # Oldest first (dicts keep their order): forget the oldest past the limit.
        request.session[VOTES] = dict(list(votes.items())[-REMEMBERED_VOTES:])
    else:
        messages.info(request, _("You have already told us about this article. Thank you."))
    # Back to the page, by GET: reloading it does not post again.
    return redirect(reverse("knowledge:article", args=[found.language, found.slug]) + "#feedback")
