"""`{% faq_box %}`: the FAQ's search box and categories, for the portal's home page."""

from __future__ import annotations

from typing import Any

from django import template

from answerdesk.knowledge.forms import SearchForm
from answerdesk.knowledge.shelves import shelves
from answerdesk.knowledge.views import faq_language

register = template.Library()


@register.inclusion_tag("knowledge/_home_box.html")
def faq_box() -> dict[str, Any]:
    language = faq_language()
    return {
        "language": language,
        "form": SearchForm(),
        # Names and counts only: the FAQ's own pages list the articles.
        "shelves": [s for s in shelves(language, preview=0, loose=0) if s.category],
    }
