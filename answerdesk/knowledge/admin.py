"""Admin pages for the knowledge base."""

from __future__ import annotations

from django.contrib import admin

from answerdesk.knowledge.models import Article, ArticleFeedback, Category


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin[Article]):
    list_display = ["title", "language", "category", "published", "updated_at"]
    list_filter = ["language", "published", "category"]
    search_fields = ["title", "question", "answer"]
    prepopulated_fields = {"slug": ["title"]}
    exclude = ["updated_at"]  # set by every save


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin[Category]):
    list_display = ["slug", "name_fr", "name_en", "position"]
    list_editable = ["position"]
    search_fields = ["slug", "name_fr", "name_en"]


@admin.register(ArticleFeedback)
class ArticleFeedbackAdmin(admin.ModelAdmin[ArticleFeedback]):
    """Read and delete only: what a visitor said is not for editing."""

    list_display = ["article", "helpful", "comment", "created_at"]
    list_filter = ["helpful", "article__language"]
    search_fields = ["comment", "article__title"]
    readonly_fields = ["article", "helpful", "comment", "session", "created_at"]

    def has_add_permission(self, request: object) -> bool:
        return False
