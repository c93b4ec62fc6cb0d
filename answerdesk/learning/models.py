"""Agents' corrections of what the desk read in a message, the company's own categories,
and the models retrained from them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from answerdesk.tickets.models import Message


class Category(models.Model):
    """A kind of message of the company's own, beside the six the desk knows from the start
    ("warranty_claim", "press"): agents file messages under it, `answerdesk nlp retrain`
    learns it from them."""

    slug = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name


class Correction(models.Model):
    """An agent set a message's language, kind or asks to something other than what the
    model read. The message keeps the corrected value; this row keeps both, for training
    and for measuring the model on the desk's own mail."""

    class Field(models.TextChoices):
        LANGUAGE = "language", _("Language")
        KIND = "kind", _("Kind")
        ASKS = "asks", _("Asks")

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="corrections")
    field = models.CharField(_("field"), max_length=16, choices=Field.choices)
    before = models.JSONField(_("before"))
    after = models.JSONField(_("after"))
    model_version = models.CharField(_("model version"), max_length=100, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["field", "message"])]

    def __str__(self) -> str:
        return f"{self.field} of message {self.message_id}"


class TrainedModel(models.Model):
    """One run of `answerdesk nlp retrain`: what it learned from, and where the model is."""

    version = models.CharField(_("version"), max_length=100, unique=True)
    path = models.CharField(_("file"), max_length=500)
    kind_examples = models.PositiveIntegerField(_("kind examples"))
    ask_examples = models.PositiveIntegerField(_("ask examples"))
    corrections = models.PositiveIntegerField(_("corrected messages"))
    summary = models.JSONField(_("summary"), default=dict)
    created_at = models.DateTimeField(_("trained"), default=timezone.now)

    class Meta:
        verbose_name = _("trained model")
        verbose_name_plural = _("trained models")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.version
