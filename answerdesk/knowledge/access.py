"""Who may change the FAQ, and the one way to load a public article.

Supervisors and admins edit the FAQ: they run the team and answer for what customers read.
An agent may too once given the Django permission "Can change article" (in the admin, on
the user or a group): a team's FAQ writer need not be a supervisor. Users without a desk
role get nothing, whatever their permissions, as everywhere in the desk.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Permission
from django.db.models import Q
from django.http import Http404

from answerdesk.knowledge.models import Article
from answerdesk.tickets.access import User, is_supervisor, role_of

EDIT_PERMISSION = "knowledge.change_article"


def may_edit_faq(user: User) -> bool:
    if role_of(user) is None:
        return False
    if is_supervisor(user):
        return True
    # One query, not has_perm()'s two: the desk's header asks on every page an agent opens.
    app_label, codename = EDIT_PERMISSION.split(".")
    granted = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    return granted.filter(Q(user=user.pk) | Q(group__user=user.pk)).exists()


def access_published_article(language: Any, slug: Any) -> Article:
    """The published article at /faq/<language>/<slug>/; otherwise 404, drafts included."""
    try:
        return Article.objects.select_related("category").get(
            language=str(language), slug=str(slug), published=True
        )
    except Article.DoesNotExist:
        raise Http404("no such article") from None
