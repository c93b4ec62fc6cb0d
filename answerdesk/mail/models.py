"""Raw messages as received: stored byte-exact before anything parses them."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RawMessage(models.Model):
    """One received message, byte-exact, as it arrived.

    The row, bytes included, is committed before processing starts, so a crash at any later
    point leaves it RECEIVED and a later run picks it up again. A message that cannot be
    processed is QUARANTINED with its reason, and can be replayed.
    """

    class State(models.TextChoices):
        RECEIVED = "received", _("Received, not yet processed")
        PROCESSED = "processed", _("Processed")
        DUPLICATE = "duplicate", _("Duplicate of a stored message")
        QUARANTINED = "quarantined", _("Quarantined")

    sha256 = models.CharField(_("sha256"), max_length=64, unique=True)
    size = models.PositiveBigIntegerField(_("size"))
    # In the row rather than a file: one commit makes bytes and state durable together, and
    # creating a file per message cost more than parsing it (docs/decisions/0001).
    data = models.BinaryField(_("raw bytes"))
    # Where it came from: "import:/path/to/file", "import:/path/to.mbox#12", "smtp", ...
    source = models.CharField(_("source"), max_length=1024)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.RECEIVED
    )
    reason = models.TextField(_("reason"), blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)

    class Meta:
        verbose_name = _("raw message")
        verbose_name_plural = _("raw messages")
        indexes = [models.Index(fields=["state", "received_at"])]

    def __str__(self) -> str:
        return f"{self.sha256[:12]} ({self.state})"


class SupportAddress(models.Model):
    """An address customers write to; mail to any other address is refused at RCPT time."""

    email = models.CharField(_("email"), max_length=320, unique=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("support address")
        verbose_name_plural = _("support addresses")

    def __str__(self) -> str:
        return self.email

    def save(self, *args: object, **kwargs: object) -> None:
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class OutboundMessage(models.Model):
    """A message to send, queued in the same transaction as what caused it.

    Delivered by the worker with retries and backoff; a delivery that finally fails is
    recorded on the ticket's timeline.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    class Kind(models.TextChoices):
        ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement")
        REPLY = "reply", _("Reply")
        SURVEY = "survey", _("Satisfaction survey")

    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, null=True, blank=True, related_name="outbound"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    mail_from = models.CharField(_("envelope sender"), max_length=320)
    recipients = models.JSONField(_("recipients"), default=list)
    # The main recipient, as a plain column: rate limits count acknowledgements per address.
    to_address = models.CharField(_("to"), max_length=320, db_index=True)
    message_id = models.CharField(_("Message-ID"), max_length=998, unique=True)
    data = models.BinaryField(_("message bytes"))
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbound message")
        verbose_name_plural = _("outbound messages")
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.kind} <{self.message_id}> ({self.state})"


class AcknowledgementTemplate(models.Model):
    """The acknowledgement in one language; editable in the admin.

    Placeholders: {reference}, {subject}, {promise} (the promised answer time, in words),
    {name} (the customer's name, or nothing).
    """

    language = models.CharField(_("language"), max_length=8, unique=True)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))

    class Meta:
        verbose_name = _("acknowledgement template")
        verbose_name_plural = _("acknowledgement templates")

    def __str__(self) -> str:
        return self.language


class ImapMailbox(models.Model):
    """A mailbox `answerdesk imap` reads: new messages are stored, then marked seen or moved.

    The first poll takes every message in the folder. After that, `uidvalidity` and `last_uid`
    say where the poller stopped: a message is new if its UID is above `last_uid`, as long as
    the folder's UIDVALIDITY has not changed (RFC 3501 §2.3.1.1).
    """

    class Security(models.TextChoices):
        SSL = "ssl", _("TLS from the start (usually port 993)")
        STARTTLS = "starttls", _("STARTTLS (usually port 143)")
        NONE = "none", _("None: loopback or a trusted network only")

    class AfterFetch(models.TextChoices):
        MARK_SEEN = "mark_seen", _("Mark as seen")
        MOVE = "move", _("Move to another folder")

    name = models.CharField(_("name"), max_length=100, unique=True)
    host = models.CharField(_("host"), max_length=255)
    port = models.PositiveIntegerField(_("port"), default=993)
    username = models.CharField(_("username"), max_length=320)
    # Kept as given: IMAP LOGIN needs the password itself, so it cannot be hashed.
    password = models.CharField(_("password"), max_length=1024)
    security = models.CharField(
        _("security"), max_length=16, choices=Security.choices, default=Security.SSL
    )
    folder = models.CharField(_("folder"), max_length=255, default="INBOX")
    after_fetch = models.CharField(
        _("after fetching"),
        max_length=16,
        choices=AfterFetch.choices,
        default=AfterFetch.MARK_SEEN,
    )
    move_to = models.CharField(
        _("move to folder"),
        max_length=255,
        blank=True,
        help_text=_("Only when messages are moved; created if missing."),
    )
    active = models.BooleanField(_("active"), default=True)
    # UIDs are 32-bit unsigned (RFC 3501 §9, nz-number): too large for a signed integer.
    uidvalidity = models.PositiveBigIntegerField(_("UIDVALIDITY"), null=True, blank=True)
    last_uid = models.PositiveBigIntegerField(_("last UID taken"), default=0)

    class Meta:
        verbose_name = _("IMAP mailbox")
        verbose_name_plural = _("IMAP mailboxes")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(after_fetch="move") & ~models.Q(move_to="")
                    | ~models.Q(after_fetch="move") & models.Q(move_to="")
                ),
                name="imapmailbox_move_to_only_when_moving",
                violation_error_message=_(
                    "Give a folder to move to when, and only when, messages are moved."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.name
