"""Admin: the company's categories; corrections and trained models are read-only records."""

from __future__ import annotations

from django.contrib import admin

from answerdesk.learning.models import Category, Correction, TrainedModel


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin[Category]):
    list_display = ("slug", "name", "created_at")
    search_fields = ("slug", "name", "description")


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin[Correction]):
    list_display = ("message", "field", "before", "after", "actor", "model_version", "created_at")
    list_filter = ("field", "model_version")
    readonly_fields = [f.name for f in Correction._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(TrainedModel)
class TrainedModelAdmin(admin.ModelAdmin[TrainedModel]):
    list_display = ("version", "kind_examples", "ask_examples", "corrections", "created_at")
    readonly_fields = [f.name for f in TrainedModel._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False
