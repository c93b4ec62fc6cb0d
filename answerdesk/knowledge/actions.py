"""Suggesting and searching articles, visitors' feedback, and loading articles from a file."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import Count, Q, QuerySet

from answerdesk.knowledge.index import PublishedIndex, current_index
from answerdesk.knowledge.models import Article, ArticleFeedback, Category
from answerdesk.nlp.suggest import Embedder, Suggestion


@dataclass(frozen=True, slots=True)
class ArticleSuggestion:
    article: Article
    suggestion: Suggestion


def suggest(
    asks: list[str], limit: int = 3, embedder: Embedder | None = None
) -> list[list[ArticleSuggestion]]:
    """For each ask, the best published articles, best first."""
    if not asks:
        return []
    published = current_index(embedder)
    return [
        [ArticleSuggestion(published.articles[s.key], s) for s in found]
        for found in published.index.suggest(asks, limit)
    ]


def best_answer(found: list[ArticleSuggestion], language: str) -> ArticleSuggestion | None:
    """The suggestion to quote to a customer: confident, in their language when one is."""
    confident = [f for f in found if f.suggestion.confident]
    own = [f for f in confident if f.article.language == language]
    ranked = own or confident
    return ranked[0] if ranked else None


# --- the public FAQ ------------------------------------------------------------------------

# Below this score an article shares neither words nor meaning with the query. On the demo
# FAQ, queries about nothing it covers ("xyzzy", "recette de gâteau", "<script>") score
# 0.13 at most, and one-word queries on a topic ("lampe", "livraison") 0.27 and more.
SEARCH_MIN_SCORE = 0.2
# Related articles must be closer than a mere search hit.
RELATED_MIN_SCORE = 0.25


def _one_per_topic(
    found: list[Suggestion],
    published: PublishedIndex,
    language: str,
    *,
    minimum: float,
    limit: int,
    leave_out: frozenset[str] = frozenset(),
) -> list[int]:
    """Article ids, best first: one per topic, in `language` where the topic has it (the
    encoder finds an article and its translation alike; the visitor reads one)."""
    chosen: list[int] = []
    seen = set(leave_out)
    for suggestion in found:
        if suggestion.score < minimum or len(chosen) == limit:
            break
        topic = published.topic_of(suggestion.key)
        if topic in seen:
            continue
        seen.add(topic)
        chosen.append(published.versions[topic].get(language, suggestion.key))
    return chosen


def _fresh(ids: list[int]) -> list[Article]:
    """The rows as they are now, in that order: the index's copies may be a moment old."""
    rows = Article.objects.filter(pk__in=ids, published=True).select_related("category")
    by_id = {a.pk: a for a in rows}
    return [by_id[i] for i in ids if i in by_id]


def search_articles(
    query: str, language: str, limit: int = 10, embedder: Embedder | None = None
) -> list[Article]:
    """Published articles answering the query, best first, one per topic, in the
    visitor's language where the topic has it."""
    query = " ".join(query.split())
    if not query:
        return []
    published = current_index(embedder)
    # Each topic is there in up to two languages: three times the limit leaves room.
    [found] = published.index.suggest([query], limit * 3)
    return _fresh(_one_per_topic(found, published, language, minimum=SEARCH_MIN_SCORE, limit=limit))


def related_articles(
    article: Article, limit: int = 4, embedder: Embedder | None = None
) -> list[Article]:
    """Other articles a reader of this one may want, in its language: what the search
    engine finds for its title and question, then its category's other articles."""
    published = current_index(embedder)
    [found] = published.index.suggest([f"{article.title}. {article.question}"], limit * 3 + 2)
    own_topic = frozenset([article.topic or f"#{article.pk}"])
    ids = _one_per_topic(
        found,
        published,
        article.language,
        minimum=RELATED_MIN_SCORE,
        limit=limit,
        leave_out=own_topic,
    )
    related = [a for a in _fresh(ids) if a.language == article.language]
    if len(related) < limit and article.category_id is not None:
        shelf = (
            published_in(article.language)
            .filter(category_id=article.category_id)
            .exclude(pk__in=[article.pk, *(a.pk for a in related)])
            .exclude(topic__in=[article.topic] if article.topic else [])
            .order_by("title")
        )
        related += list(shelf[: limit - len(related)])
    return related


def published_in(language: str) -> QuerySet[Article]:
    return Article.objects.filter(published=True, language=language)


# --- "Did this answer your question?" ----------------------------------------------------


def session_digest(session_key: str) -> str:
    return hashlib.sha256(session_key.encode()).hexdigest()


def record_feedback(article: Article, session_key: str, *, helpful: bool, comment: str) -> bool:
    """Record a visitor's answer; False if this session already answered for this article
    (the first answer stands: one vote per session and article)."""
    _, created = ArticleFeedback.objects.get_or_create(
        article=article,
        session=session_digest(session_key),
        defaults={"helpful": helpful, "comment": comment},
    )
    return created


def with_feedback_counts(articles: QuerySet[Article]) -> QuerySet[Article]:
    """Each article with `helpful_count`, `unhelpful_count` and `comment_count`."""
    return articles.annotate(
        helpful_count=Count("feedback", filter=Q(feedback__helpful=True)),
        unhelpful_count=Count("feedback", filter=Q(feedback__helpful=False)),
        comment_count=Count("feedback", filter=~Q(feedback__comment="")),
    )


@dataclass(frozen=True, slots=True)
class FeedbackSummary:
    helpful: int
    unhelpful: int
    comments: list[ArticleFeedback]  # the latest, newest first

    @property
    def helpful_share(self) -> int | None:
        """Percent of the answers that said yes (None before any)."""
        total = self.helpful + self.unhelpful
        return round(100 * self.helpful / total) if total else None


def feedback_summary(article: Article, latest: int = 50) -> FeedbackSummary:
    counts = article.feedback.aggregate(
        yes=Count("id", filter=Q(helpful=True)), no=Count("id", filter=Q(helpful=False))
    )
    comments = article.feedback.exclude(comment="").order_by("-created_at", "-pk")[:latest]
    return FeedbackSummary(counts["yes"], counts["no"], list(comments))


# --- loading -------------------------------------------------------------------------------


class ArticleFileError(ValueError):
    """The file is not a list of articles; the message says where and why."""


_FIELDS = ("slug", "language", "title", "question", "answer")


def load_articles(path: Path) -> int:
    """Create or update articles from a JSON list of {slug, language, title, question,
    answer, topic (optional), category and category_name (optional: the category's slug,
    and its name in the article's language)}; returns how many were written. Nothing is
    written when a row is wrong."""
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ArticleFileError(f"{path}: {error}") from None
    if not isinstance(rows, list):
        raise ArticleFileError(f"{path}: expected a JSON list of articles")
    for number, row in enumerate(rows, 1):
        missing = [k for k in _FIELDS if not isinstance(row, dict) or not row.get(k)]
        if missing:
            raise ArticleFileError(f"{path}: article {number} lacks {', '.join(missing)}")
    with transaction.atomic():
        categories: dict[str, Category] = {}
        for row in rows:
            category = _category(row, categories)
            Article.objects.update_or_create(
                language=row["language"],
                slug=row["slug"],
                defaults={
                    "title": row["title"],
                    "question": row["question"],
                    "answer": row["answer"],
                    "topic": row.get("topic", ""),
                    "category": category,
                },
            )
    return len(rows)


def _category(row: dict[str, str], seen: dict[str, Category]) -> Category | None:
    """The row's category, made on first sight (placed after the others) and named in the
    row's language."""
    slug = row.get("category", "")
    if not slug:
        return None
    if slug not in seen:
        found = Category.objects.filter(slug=slug).first()
        if found is None:
            last = Category.objects.order_by("-position").values_list("position", flat=True)
            found = Category(slug=slug, position=(last.first() or 0) + 1)
        seen[slug] = found
    category = seen[slug]
    name = row.get("category_name") or category.name(row["language"])
    setattr(category, "name_fr" if row["language"] == "fr" else "name_en", name)
    category.save()
    return category
