"""The desk's FAQ editor: articles and categories, and what visitors said of each article.
Who may edit is decided once, in answerdesk.knowledge.access.may_edit_faq."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from answerdesk.desk.views import _layout
from answerdesk.knowledge.access import may_edit_faq
from answerdesk.knowledge.actions import feedback_summary, with_feedback_counts
from answerdesk.knowledge.forms import ArticleForm, CategoryForm
from answerdesk.knowledge.models import LANGUAGES, Article, Category
from answerdesk.tickets.access import role_of

PAGE_SIZE = 50
SORTS = {
    "updated": ("-updated_at", "pk"),
    "title": ("title", "pk"),
    # The articles that most often failed to answer: the ones to rewrite first.
    "unhelpful": ("-unhelpful_count", "-updated_at", "pk"),
}


def _editor(request: HttpRequest) -> None:
    if role_of(request.user) is None:
        raise Http404("not a member of the desk")
    if not may_edit_faq(request.user):
        raise PermissionDenied(_("Only supervisors and FAQ editors may change the FAQ."))


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return render(request, template, {**_layout(request), **context}, status=status)


@login_required
@require_GET
def articles(request: HttpRequest) -> HttpResponse:
    _editor(request)
    found = with_feedback_counts(Article.objects.select_related("category"))
    q = request.GET.get("q", "")[:200].strip()
    if q:
        found = found.filter(title__icontains=q)
    language = request.GET.get("language", "")
    if language in dict(LANGUAGES):
        found = found.filter(language=language)
    category = request.GET.get("category", "")
    if category == "none":
        found = found.filter(category__isnull=True)
    elif category.isdigit():
        found = found.filter(category_id=int(category))
    sort = request.GET.get("sort", "updated")
    found = found.order_by(*SORTS.get(sort, SORTS["updated"]))
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()  # the filters, for the page links
    query.pop("page", None)
    context = {
        "page": page,
        "q": q,
        "language": language,
        "category": category,
        "sort": sort,
        "languages": LANGUAGES,
        "categories": Category.objects.all(),
        "query": query,
    }
    return _page(request, "desk/faq_articles.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def article(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _editor(request)
    found = get_object_or_404(Article, pk=pk) if pk is not None else None
    form = ArticleForm(request.POST or None, instance=found)
    if request.method == "POST":
        if form.is_valid():
            saved = form.save()
            messages.success(request, _("Article saved."))
            return redirect("desk:faq_article", pk=saved.pk)
        status = 400
    else:
        status = 200
    context = {
        "article": found,
        "form": form,
        "feedback": feedback_summary(found) if found is not None else None,
    }
    return _page(request, "desk/faq_article.html", context, status)


@login_required
@require_POST
def delete_article(request: HttpRequest, pk: int) -> HttpResponse:
    _editor(request)
    found = get_object_or_404(Article, pk=pk)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm the deletion."))
        return redirect("desk:faq_article", pk=found.pk)
    found.delete()
    messages.success(request, _("Article deleted: %(title)s") % {"title": found.title})
    return redirect("desk:faq_articles")


@login_required
@require_GET
def categories(request: HttpRequest) -> HttpResponse:
    _editor(request)
    counted = Category.objects.annotate(
        **{
            f"count_{code}": Count("articles", filter=Q(articles__language=code))
            for code, _name in LANGUAGES
        }
    )
    return _page(request, "desk/faq_categories.html", {"categories": counted})


@login_required
@require_http_methods(["GET", "POST"])
def category(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _editor(request)
    found = get_object_or_404(Category, pk=pk) if pk is not None else None
    form = CategoryForm(request.POST or None, instance=found)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, _("Category saved."))
            return redirect("desk:faq_categories")
        status = 400
    else:
        status = 200
    return _page(request, "desk/faq_category.html", {"category": found, "form": form}, status)


@login_required
@require_POST
def delete_category(request: HttpRequest, pk: int) -> HttpResponse:
    _editor(request)
    found = get_object_or_404(Category, pk=pk)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm the deletion."))
        return redirect("desk:faq_category", pk=found.pk)
    # Its articles stay, filed under no category (Article.category: SET_NULL).
    found.delete()
    messages.success(request, _("Category deleted; its articles are now under no category."))
    return redirect("desk:faq_categories")
