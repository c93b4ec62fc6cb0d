"""The FAQ's categories as a visitor browses them: each with its articles in one language."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q

from answerdesk.knowledge.models import Article, Category


@dataclass(frozen=True, slots=True)
class Shelf:
    category: Category | None  # None: the articles filed under no category
    name: str
    description: str
    count: int
    articles: list[Article] = field(default_factory=list)  # the first few, by title


def shelves(language: str, preview: int = 5, loose: int = 50) -> list[Shelf]:
    """Categories holding published articles in `language`, in their order, each with its
    first `preview` articles (its page lists them all); then up to `loose` of the articles
    filed under no category, which have no page of their own."""
    published = Q(articles__published=True, articles__language=language)
    first = Article.objects.filter(published=True, language=language).order_by("title")
    categories = Category.objects.annotate(count=Count("articles", filter=published)).filter(
        count__gt=0
    )
    if preview:
        first_few = Prefetch("articles", queryset=first[:preview], to_attr="first")
        categories = categories.prefetch_related(first_few)
    found = [
        Shelf(
            c,
            c.name(language),
            c.description(language),
            c.count,
            getattr(c, "first", []),
        )
        for c in categories
    ]
    if loose:
        unfiled = first.filter(category__isnull=True)
        count = unfiled.count()
        if count:
            found.append(Shelf(None, "", "", count, list(unfiled[:loose])))
    return found
