"""A live chat (one per ticket on the chat channel) and who is connected to chats now."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from answerdesk.tickets.models import Ticket


class ChatSession(models.Model):
    """A visitor's chat. Its lines are the ticket's messages (channel chat), so the
    transcript is part of the customer's history like any mail."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting for an agent")
        ACTIVE = "active", _("With an agent")
        ENDED = "ended", _("Ended")

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="chat")
    # The sha256 of the visitor's token: the token alone lets a browser back into its chat,
    # and a copy of the database does not hand it out.
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.WAITING
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    visitor_name = models.CharField(_("visitor's name"), max_length=200, blank=True)
    visitor_email = models.CharField(_("visitor's email"), max_length=320)
    language = models.CharField(_("language"), max_length=8, blank=True)
    # The page the visitor chatted from (its Origin), for the agent's context.
    origin = models.CharField(_("site"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    class Meta:
        verbose_name = _("chat")
        verbose_name_plural = _("chats")
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"chat {self.pk} ({self.status})"


class ChatConnection(models.Model):
    """One open websocket: an agent on the chats page, or a visitor in their chat.

    Kept in the database, not in a process, because with Redis several processes serve
    websockets and presence (is an agent online? is the visitor still there?) must be the
    same for all. A process that dies leaves rows behind; a row not seen for PRESENCE_TTL
    (answerdesk.chat.presence) no longer counts.
    """

    class Role(models.TextChoices):
        AGENT = "agent", _("Agent")
        VISITOR = "visitor", _("Visitor")

    channel_name = models.CharField(_("channel"), max_length=200, unique=True)
    role = models.CharField(_("role"), max_length=8, choices=Role.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    chat = models.ForeignKey(
        ChatSession, on_delete=models.CASCADE, null=True, blank=True, related_name="connections"
    )
    seen_at = models.DateTimeField(_("seen"), default=timezone.now)

    class Meta:
        verbose_name = _("chat connection")
        verbose_name_plural = _("chat connections")
        indexes = [
            models.Index(fields=["role", "seen_at"]),
            models.Index(fields=["chat", "seen_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.role} {self.channel_name}"
