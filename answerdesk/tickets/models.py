"""Contacts, tickets, their messages and attachments, and the ticket timeline."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Contact(models.Model):
    """A customer, with every address they have written from (see ContactAddress)."""

    name = models.CharField(_("name"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return self.name or f"contact {self.pk}"


class ContactAddress(models.Model):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="addresses")
    # Lower-cased: addresses are compared case-insensitively (RFC 5321 allows case-sensitive
    # local parts, but no mail system in use relies on it, and duplicate contacts are worse).
    email = models.CharField(_("email"), max_length=320, unique=True)

    class Meta:
        verbose_name = _("contact address")
        verbose_name_plural = _("contact addresses")

    def __str__(self) -> str:
        return self.email


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    FORM = "form", _("Contact form")
    CHAT = "chat", _("Chat")
    PHONE = "phone", _("Phone")
    API = "api", _("API")


class Ticket(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        OPEN = "open", _("Open")
        WAITING = "waiting", _("Waiting on customer")
        SOLVED = "solved", _("Solved")
        CLOSED = "closed", _("Closed")

    class Kind(models.TextChoices):
        # The five kinds of the Qualiweb barometer, plus other.
        COMPLAINT = "complaint", _("Complaint")
        SALES_INQUIRY = "sales_inquiry", _("Sales inquiry")
        TECHNICAL_PROBLEM = "technical_problem", _("Technical problem")
        JOB_APPLICATION = "job_application", _("Job application")
        COMPANY_INFORMATION = "company_information", _("Company information")
        OTHER = "other", _("Other")

    class Priority(models.IntegerChoices):
        LOW = 1, _("Low")
        NORMAL = 2, _("Normal")
        HIGH = 3, _("High")
        URGENT = 4, _("Urgent")

    subject = models.CharField(_("subject"), max_length=998, blank=True)
    contact = models.ForeignKey(
        Contact, on_delete=models.PROTECT, null=True, blank=True, related_name="tickets"
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NEW
    )
    # Empty until the message has been triaged. One of Kind, or a company's own category
    # (answerdesk.learning.Category), hence no choices here.
    kind = models.CharField(_("kind"), max_length=32, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tickets",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    solved_at = models.DateTimeField(_("solved"), null=True, blank=True)
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    # Set once, when the first-response target passed with no answer (answerdesk.sla).
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    # A ticket merged into another is closed and points at the one that goes on.
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged"
    )
    # Signed in the customer's status and survey links; raising it revokes them all
    # (answerdesk.tickets.status_links).
    status_link_version = models.PositiveIntegerField(_("status link version"), default=0)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [
            # Covers the inbox's order by due date and its overdue and due-soon views: the
            # page's ids come from the index alone (desk.paging), no ticket row read. The
            # SLA's overdue query uses it too (docs/PERFORMANCE.md).
            models.Index(fields=["status", "due_at", "first_response_at", "priority", "assignee"]),
            models.Index(fields=["assignee", "status", "due_at"]),
            models.Index(fields=["kind", "status"]),
            models.Index(fields=["language", "status"]),
            models.Index(fields=["contact", "created_at"]),
            # Covers the counts of open tickets per view, kind and language on every desk
            # page (desk.inbox.counts), in the order they are grouped in: no ticket row
            # read, no sort (docs/PERFORMANCE.md).
            models.Index(
                fields=["status", "kind", "language", "assignee", "due_at", "first_response_at"]
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"

    @property
    def reference(self) -> str:
        return format_reference(self.pk)


# Open work; and, within it, tickets waiting for an agent (a ticket waiting on the customer
# has no first-response clock running).
OPEN_STATUSES = (Ticket.Status.NEW, Ticket.Status.OPEN, Ticket.Status.WAITING)
AWAITING_AGENT = (Ticket.Status.NEW, Ticket.Status.OPEN)


def format_reference(ticket_id: int | None) -> str:
    """AD-000123: what customers quote and what subjects carry (the prefix is a setting)."""
    return f"{settings.ANSWERDESK_TICKET_PREFIX}-{ticket_id or 0:06d}"


def parse_reference(text: str) -> int | None:
    """The ticket id in "AD-000123", "#123" or "123"; None for anything else."""
    prefix = re.escape(settings.ANSWERDESK_TICKET_PREFIX)
    found = re.fullmatch(rf"(?:#|{prefix}-?)?0*(\d{{1,18}})", text.strip(), re.I | re.ASCII)
    return int(found.group(1)) if found else None


class Message(models.Model):
    class Direction(models.TextChoices):
        INBOUND = "inbound", _("Inbound")
        OUTBOUND = "outbound", _("Outbound")
        NOTE = "note", _("Internal note")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(_("direction"), max_length=16, choices=Direction.choices)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    sender = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="messages"
    )
    # The agent who wrote a reply or a note in the desk.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The sha256 of the raw bytes (mail.RawMessage); empty for messages that never had a
    # raw form (notes typed in the desk).
    raw_sha256 = models.CharField(_("raw message"), max_length=64, blank=True)
    # Unique: the same Message-ID delivered twice (two support addresses, a second import)
    # is stored once. Messages without one get an id derived from their raw bytes.
    message_id = models.CharField(_("Message-ID"), max_length=998, unique=True)
    in_reply_to = models.CharField(_("In-Reply-To"), max_length=998, blank=True)
    references = models.JSONField(_("References"), default=list, blank=True)
    subject = models.CharField(_("subject"), max_length=998, blank=True)
    from_email = models.CharField(_("from"), max_length=320, blank=True)
    from_name = models.CharField(_("from name"), max_length=200, blank=True)
    to = models.JSONField(_("to"), default=list, blank=True)
    cc = models.JSONField(_("cc"), default=list, blank=True)
    headers = models.JSONField(_("headers"), default=list, blank=True)
    text = models.TextField(_("text"), blank=True)
    html = models.TextField(_("HTML"), blank=True)
    new_text = models.TextField(_("new text"), blank=True)
    # What answerdesk.nlp read in the new text, and which models read it.
    language = models.CharField(_("language"), max_length=8, blank=True)
    language_confidence = models.FloatField(_("language confidence"), default=0.0)
    kind = models.CharField(_("kind"), max_length=32, blank=True)
    kind_confidence = models.FloatField(_("kind confidence"), default=0.0)
    # Every distinct thing the customer asks: [{"text", "start", "end", "score"}], offsets
    # into new_text (into text when the message has no new text of its own).
    asks = models.JSONField(_("asks"), default=list, blank=True)
    nlp_version = models.CharField(_("models"), max_length=100, blank=True)
    flags = models.JSONField(_("flags"), default=list, blank=True)
    # What the parser had to repair (a wrong charset, a broken encoded word), in words.
    defects = models.JSONField(_("repairs"), default=list, blank=True)
    sent_at = models.DateTimeField(_("sent"))
    received_at = models.DateTimeField(_("received"), default=timezone.now)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["sent_at", "pk"]

    def __str__(self) -> str:
        return f"<{self.message_id}>"


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    # Content-addressed: the bytes live once in the blob store under their sha256.
    sha256 = models.CharField(_("sha256"), max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("size"))
    content_type = models.CharField(_("content type"), max_length=255)
    filename = models.CharField(_("filename"), max_length=255)
    inline = models.BooleanField(_("inline"), default=False)
    content_id = models.CharField(_("Content-ID"), max_length=998, blank=True)
    container = models.CharField(_("container"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.filename


class TicketEvent(models.Model):
    """One entry of a ticket's timeline: what changed, who or what did it, and why.

    Written only through the helpers in events.py, so that reports can rely on its shape.
    """

    class Kind(models.TextChoices):
        CREATED = "created", _("Ticket created")
        MESSAGE_RECEIVED = "message_received", _("Message received")
        STATUS_CHANGED = "status_changed", _("Status changed")
        ACKNOWLEDGED = "acknowledged", _("Acknowledgement sent")
        NOT_ACKNOWLEDGED = "not_acknowledged", _("No acknowledgement")
        DELIVERY_FAILED = "delivery_failed", _("Delivery failed")
        ASSIGNED = "assigned", _("Assigned")
        UNDERSTANDING_CORRECTED = "understanding_corrected", _("Understanding corrected")
        REPLIED = "replied", _("Reply sent")
        NOTE_ADDED = "note_added", _("Internal note")
        ASK_SKIPPED = "ask_skipped", _("Sent with an ask unanswered")
        PRIORITY_CHANGED = "priority_changed", _("Priority changed")
        MERGED = "merged", _("Merged")
        SLA_BREACHED = "sla_breached", _("First-response target missed")
        CALLBACK_LOGGED = "callback_logged", _("Call logged")
        SURVEY_SENT = "survey_sent", _("Satisfaction survey sent")
        RATED = "rated", _("Customer rated the answer")
        LINKS_REVOKED = "links_revoked", _("Status links revoked")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    # Who or what acted when it was not a user: "mail pipeline", "import", "sla".
    actor_label = models.CharField(_("by"), max_length=100, blank=True)
    message = models.ForeignKey(Message, on_delete=models.SET_NULL, null=True, blank=True)
    reason = models.TextField(_("why"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} on {self.ticket_id}"


class AgentProfile(models.Model):
    """What a staff member takes: new tickets are routed to the best-matching one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agent_profile"
    )
    # Free text ("lamps, dimmers, delivery to Belgium") matched against the subject and
    # the asks; kinds and languages as lists (empty: any).
    topics = models.TextField(_("topics"), blank=True)
    kinds = models.JSONField(_("kinds"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    available = models.BooleanField(_("available"), default=True)
    max_open = models.PositiveIntegerField(_("most open tickets"), default=30)
    last_assigned_at = models.DateTimeField(_("last assigned"), null=True, blank=True)
    # The desk: signature under replies, interface language (empty: the browser's) and
    # time zone (empty: the site's).
    signature = models.TextField(_("signature"), blank=True)
    ui_language = models.CharField(
        _("interface language"), max_length=8, blank=True, choices=settings.LANGUAGES
    )
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("agent profile")
        verbose_name_plural = _("agent profiles")

    def __str__(self) -> str:
        return str(self.user)


class SatisfactionRating(models.Model):
    """The customer's score for a solved ticket, from the survey link; rating again replaces
    it (the timeline keeps every score given)."""

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="rating")
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True)
    rated_at = models.DateTimeField(_("rated"), default=timezone.now)

    class Meta:
        verbose_name = _("satisfaction rating")
        verbose_name_plural = _("satisfaction ratings")

    def __str__(self) -> str:
        return f"{self.score}/5 on {self.ticket_id}"
