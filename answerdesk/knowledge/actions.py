"""Suggesting articles for asks, and loading articles from a file."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import Count, Max

from answerdesk.knowledge.models import Article
from answerdesk.nlp.suggest import (
    Article as IndexedArticle,
)
from answerdesk.nlp.suggest import (
    Embedder,
    Suggestion,
    SuggestionIndex,
    bundled_embedder,
)


@dataclass(frozen=True, slots=True)
class ArticleSuggestion:
    article: Article
    suggestion: Suggestion


# One index per process, rebuilt when an article is added, changed or removed.
_index: tuple[tuple[object, ...], SuggestionIndex, dict[int, Article]] | None = None


def _current_index(embedder: Embedder | None) -> tuple[SuggestionIndex, dict[int, Article]]:
    global _index
    published = Article.objects.filter(published=True)
    state = tuple(
        published.aggregate(n=Count("id"), last=Max("updated_at"), top=Max("id")).values()
    )
    if _index is not None and _index[0] == state and embedder is None:
        return _index[1], _index[2]
    articles = {a.pk: a for a in published}
    index = SuggestionIndex(
        [
            IndexedArticle(a.pk, a.language, a.title, a.question, a.answer, a.topic)
            for a in articles.values()
        ],
        embedder or bundled_embedder(),
    )
    if embedder is None:
        _index = (state, index, articles)
    return index, articles


def suggest(
    asks: list[str], limit: int = 3, embedder: Embedder | None = None
) -> list[list[ArticleSuggestion]]:
    """For each ask, the best published articles, best first."""
    if not asks:
        return []
    index, articles = _current_index(embedder)
    return [
        [ArticleSuggestion(articles[s.key], s) for s in found]
        for found in index.suggest(asks, limit)
    ]


def best_answer(found: list[ArticleSuggestion], language: str) -> ArticleSuggestion | None:
    """The suggestion to quote to a customer: confident, in their language when one is."""
    confident = [f for f in found if f.suggestion.confident]
    own = [f for f in confident if f.article.language == language]
    ranked = own or confident
    return ranked[0] if ranked else None


class ArticleFileError(ValueError):
    """The file is not a list of articles; the message says where and why."""


_FIELDS = ("slug", "language", "title", "question", "answer")


def load_articles(path: Path) -> int:
    """Create or update articles from a JSON list of {slug, language, title, question,
    answer, topic (optional)}; returns how many were written. Nothing is written when a
    row is wrong."""
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
        for row in rows:
            Article.objects.update_or_create(
                language=row["language"],
                slug=row["slug"],
                defaults={
                    "title": row["title"],
                    "question": row["question"],
                    "answer": row["answer"],
                    "topic": row.get("topic", ""),
                },
            )
    return len(rows)
