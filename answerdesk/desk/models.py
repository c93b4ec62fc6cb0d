"""What the desk keeps besides tickets: canned replies and agents' notifications."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from answerdesk.tickets.models import Ticket


class CannedReply(models.Model):
    """A reply agents insert and adapt. Placeholders: {name}, {reference}, {subject},
    {agent}; an unknown placeholder is left as written."""

    title = models.CharField(_("title"), max_length=200)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    body = models.TextField(_("body"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")
        ordering = ["language", "title"]

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"


class Notification(models.Model):
    """Something a staff member must see: a ticket assigned to them, a ticket overdue."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    text = models.CharField(_("text"), max_length=500)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.text
