"""Admin pages for the knowledge base."""

from __future__ import annotations

from django.contrib import admin

from answerdesk.knowledge.models import Article


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin[Article]):
    list_display = ["title", "language", "published", "updated_at"]
    list_filter = ["language", "published"]
    search_fields = ["title", "question", "answer"]
    prepopulated_fields = {"slug": ["title"]}
