"""`{% faq_box %}`: the FAQ's search box and categories, for the portal's home page;
`{% may_edit_faq as name %}`: whether the desk shows its FAQ editor to this user."""

from __future__ import annotations

from typing import Any

from django import template

from answerdesk.knowledge import access
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


@register.simple_tag(takes_context=True)
def may_edit_faq(context: template.Context) -> bool:
    request = context.get("request")
    return request is not None and access.may_edit_faq(request.user)
