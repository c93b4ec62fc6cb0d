"""The portal's own records: callback requests and the staff directory's public entries."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CallbackRequest(models.Model):
    """A visitor asked to be called back. The request itself goes through the pipeline as a
    message on channel "phone", which makes the ticket; this row keeps what a message cannot
    say plainly (the number, the slot) and the outcome of the call."""

    class Slot(models.TextChoices):
        ASAP = "asap", _("As soon as possible")
        MORNING = "morning", _("Morning (9:00–12:00)")
        AFTERNOON = "afternoon", _("Afternoon (14:00–17:00)")
        EVENING = "evening", _("Early evening (17:00–19:00)")

    class Outcome(models.TextChoices):
        REACHED = "reached", _("Reached, question answered")
        REACHED_FOLLOW_UP = "follow_up", _("Reached, follow-up needed")
        NO_ANSWER = "no_answer", _("No answer")
        VOICEMAIL = "voicemail", _("Left a voicemail")
        WRONG_NUMBER = "wrong_number", _("Wrong number")

    # The Message-ID of the request's message: its ticket is that message's ticket, whenever
    # the pipeline has processed it (at once, or on a replay after a failure).
    message_id = models.CharField(_("Message-ID"), max_length=998, unique=True)
    name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("phone (E.164)"), max_length=16)
    preferred_date = models.DateField(_("preferred day"), null=True, blank=True)
    slot = models.CharField(_("time slot"), max_length=16, choices=Slot.choices)
    topic = models.CharField(_("topic"), max_length=200)
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("call notes"), blank=True)
    called_at = models.DateTimeField(_("called"), null=True, blank=True)
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("callback request")
        verbose_name_plural = _("callback requests")

    def __str__(self) -> str:
        return f"{self.phone} ({self.get_slot_display()})"


class DirectoryEntry(models.Model):
    """How a staff member appears in the public staff directory, if they opted in. The
    topics and languages shown are those of their routing profile (tickets.AgentProfile),
    so a message written to them and the tickets routed to them agree."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="directory_entry"
    )
    listed = models.BooleanField(_("show me in the public staff directory"), default=False)
    display_name = models.CharField(_("name shown"), max_length=100)
    job_title = models.CharField(_("job title"), max_length=100, blank=True)
    bio = models.TextField(_("short bio"), max_length=1000, blank=True)
    # Re-encoded by the portal (answerdesk.portal.photos) and kept in the blob store.
    photo_sha256 = models.CharField(_("photo"), max_length=64, blank=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("directory entry")
        verbose_name_plural = _("directory entries")
        ordering = ["display_name"]

    def __str__(self) -> str:
        return self.display_name
