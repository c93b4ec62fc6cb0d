"""FAQ articles, in French or English; the public pages come with the portal."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Article(models.Model):
    slug = models.SlugField(_("slug"), max_length=120)
    # The same answer in another language has the same topic: suggestions count them as
    # one (empty: the article stands alone).
    topic = models.SlugField(_("topic"), max_length=120, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=[("fr", "Français"), ("en", "English")]
    )
    title = models.CharField(_("title"), max_length=200)
    # The question as a customer would ask it: what asks are compared with.
    question = models.CharField(_("question"), max_length=500)
    answer = models.TextField(_("answer"))
    published = models.BooleanField(_("published"), default=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        constraints = [
            models.UniqueConstraint(fields=["language", "slug"], name="article_language_slug")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def url(self) -> str:
        return f"{settings.ANSWERDESK_PUBLIC_URL.rstrip('/')}/faq/{self.language}/{self.slug}/"
