"""The published articles' suggestion index: one per process, rebuilt when an article changes.

The same index answers the acknowledgement's FAQ suggestions, the desk's and the public
search (answerdesk.nlp.suggest): one engine, one set of scores.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from django.db.models import Count, Max
from numpy.typing import NDArray

from answerdesk.knowledge.models import Article
from answerdesk.nlp.suggest import Article as IndexedArticle
from answerdesk.nlp.suggest import Embedder, SuggestionIndex, bundled_embedder


@dataclass(frozen=True, slots=True)
class PublishedIndex:
    state: tuple[object, ...]
    index: SuggestionIndex
    articles: dict[int, Article]
    # topic → language → article id: which version of a topic to show a visitor.
    versions: dict[str, dict[str, int]] = field(default_factory=dict)

    def topic_of(self, key: int) -> str:
        return topic_key(self.articles[key])


def topic_key(article: Article) -> str:
    """The article's topic, or one of its own when it has none (as the engine counts it)."""
    return article.topic or f"#{article.pk}"


class ReusingEmbedder:
    """Encodes an index's texts through `inner`, reusing the vectors of texts the previous
    build encoded: after an edit only the changed article is encoded again. A fresh build
    of 5,000 articles takes 30 to 50 s on the 2-core development VM, a rebuild after one
    edit about 1 s (bench/faq_search.py), and every process rebuilds after every edit.
    Queries (after `finish()`) go straight to `inner` and are not kept."""

    def __init__(self, inner: Embedder, previous: dict[str, NDArray[np.float32]]) -> None:
        self.inner = inner
        self.previous = previous
        self.built: dict[str, NDArray[np.float32]] | None = {}

    def encode(self, texts: list[str]) -> NDArray[np.float32]:
        if self.built is None:
            return self.inner.encode(texts)
        missing = list(dict.fromkeys(t for t in texts if t not in self.previous))
        fresh: dict[str, NDArray[np.float32]] = {}
        if missing:
            # Row copies, so that keeping a few rows does not keep a whole old batch alive.
            encoded = np.asarray(self.inner.encode(missing), dtype=np.float32)
            fresh = {text: row.copy() for text, row in zip(missing, encoded, strict=True)}
        rows = [fresh[t] if t in fresh else self.previous[t] for t in texts]
        self.built.update(zip(texts, rows, strict=True))
        if not rows:
            return np.zeros((0, 1), dtype=np.float32)
        return np.stack(rows).astype(np.float32, copy=False)

    def finish(self) -> dict[str, NDArray[np.float32]]:
        """The vectors of this build (for the next one); from now on, encode queries only."""
        built, self.built = self.built or {}, None
        return built


_cached: PublishedIndex | None = None
_vectors: dict[str, NDArray[np.float32]] = {}


def current_index(embedder: Embedder | None = None) -> PublishedIndex:
    """The index of the published articles as they are now in the database. An embedder
    passed in (tests) gets an index of its own, neither cached nor reused."""
    global _cached, _vectors
    published = Article.objects.filter(published=True)
    # Every save sets updated_at (Article.save); a deletion or an unpublishing changes
    # the count, a new article the highest id.
    state = tuple(
        published.aggregate(n=Count("id"), last=Max("updated_at"), top=Max("id")).values()
    )
    if embedder is None and _cached is not None and _cached.state == state:
        return _cached
    articles = {a.pk: a for a in published.order_by("pk")}
    indexed = [
        IndexedArticle(a.pk, a.language, a.title, a.question, a.answer, a.topic)
        for a in articles.values()
    ]
    versions: dict[str, dict[str, int]] = {}
    for article in articles.values():
        versions.setdefault(topic_key(article), {}).setdefault(article.language, article.pk)
    if embedder is not None:
        return PublishedIndex(state, SuggestionIndex(indexed, embedder), articles, versions)
    reusing = ReusingEmbedder(bundled_embedder(), _vectors)
    built = PublishedIndex(state, SuggestionIndex(indexed, reusing), articles, versions)
    _vectors = reusing.finish()
    _cached = built
    return built


def forget() -> None:
    """Drop this process's index and remembered vectors: the next search builds from
    scratch (bench/faq_search.py times that)."""
    global _cached, _vectors
    _cached, _vectors = None, {}
