"""FAQ articles in French or English, their categories, and what visitors said of them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

LANGUAGES = [("fr", "Français"), ("en", "English")]


class Category(models.Model):
    """A shelf of the public FAQ. One row for both languages: an article and its
    translation sit on the same shelf, so the French and English FAQs have the same
    shape."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name_fr = models.CharField(_("name in French"), max_length=120)
    name_en = models.CharField(_("name in English"), max_length=120)
    description_fr = models.CharField(_("description in French"), max_length=300, blank=True)
    description_en = models.CharField(_("description in English"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Smaller first on the public pages.")
    )

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.name_en or self.name_fr or self.slug

    def name(self, language: str) -> str:
        """The name in that language, or in the other one while it has none yet."""
        own = self.name_fr if language == "fr" else self.name_en
        return own or self.name_en or self.name_fr or self.slug

    def description(self, language: str) -> str:
        return self.description_fr if language == "fr" else self.description_en


class Article(models.Model):
    slug = models.SlugField(_("slug"), max_length=120)
    # The same answer in another language has the same topic: suggestions count them as
    # one (empty: the article stands alone).
    topic = models.SlugField(_("topic"), max_length=120, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGES)
    title = models.CharField(_("title"), max_length=200)
    # The question as a customer would ask it: what asks are compared with.
    question = models.CharField(_("question"), max_length=500)
    # Plain text, shown with its line breaks: no markup to sanitise.
    answer = models.TextField(_("answer"))
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        related_name="articles",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    published = models.BooleanField(_("published"), default=True)
    # Part of the suggestion index's freshness check (knowledge.actions): every edit sets it.
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        constraints = [
            models.UniqueConstraint(fields=["language", "slug"], name="article_language_slug")
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The suggestion index notices edits by this date (knowledge.index), whoever saves:
        # the desk, the admin or the loader.
        self.updated_at = timezone.now()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "updated_at"}
        super().save(*args, **kwargs)

    @property
    def url(self) -> str:
        return f"{settings.ANSWERDESK_PUBLIC_URL.rstrip('/')}/faq/{self.language}/{self.slug}/"


class ArticleFeedback(models.Model):
    """One visitor's answer to "did this answer your question?" for one article."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), related_name="feedback", on_delete=models.CASCADE
    )
    helpful = models.BooleanField(_("helpful"))
    comment = models.TextField(_("comment"), blank=True)
    # A SHA-256 of the visitor's session key: enough to count one vote per session, while
    # the table itself holds nothing that would open a session.
    session = models.CharField(_("session"), max_length=64)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("article feedback")
        verbose_name_plural = _("article feedback")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "session"], name="article_feedback_once_per_session"
            )
        ]

    def __str__(self) -> str:
        return f"{self.article}: {'yes' if self.helpful else 'no'}"
