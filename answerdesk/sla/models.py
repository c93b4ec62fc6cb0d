"""The business calendar (opening hours, holidays) and the first-response targets."""

from __future__ import annotations

import datetime as dt

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from answerdesk.tickets.models import Channel


class Weekday(models.IntegerChoices):
    # datetime.date.weekday() numbering, which the calendar uses.
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class BusinessHours(models.Model):
    """One opening interval of a weekday; a day with a lunch break has two rows.

    Times are wall times in the business time zone. Closing at 00:00 means at the end of
    the day, so 00:00-00:00 is the whole day.
    """

    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("business hours")
        verbose_name_plural = _("business hours")
        ordering = ["weekday", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gt=F("opens")) | Q(closes=dt.time(0)),
                name="sla_hours_open_before_closing",
                violation_error_message=_(
                    "Opening must be before closing (close at 00:00 for the end of the day)."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"


class Holiday(models.Model):
    """A date the business is closed all day: no business time passes on it."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}".rstrip()


class SlaPolicy(models.Model):
    """A first-response target in business hours, for a kind of ticket, a channel, or both.

    The most specific active policy applies: kind and channel, then kind, then channel,
    then the one for any kind on any channel (see actions.target_hours).
    """

    # Blank: any kind. One of Ticket.Kind or a company's own category, hence no choices.
    kind = models.CharField(_("kind"), max_length=32, blank=True)
    channel = models.CharField(_("channel"), max_length=16, blank=True, choices=Channel.choices)
    first_response_hours = models.PositiveIntegerField(
        _("first response within (business hours)"),
        default=24,
        # A year of hours: enough for any real target, and bounds what add() walks through.
        validators=[MinValueValidator(1), MaxValueValidator(24 * 365)],
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["kind", "channel"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "channel"],
                condition=Q(active=True),
                name="sla_one_active_policy_per_kind_and_channel",
                violation_error_message=_(
                    "An active policy for this kind and channel exists already."
                ),
            ),
        ]

    def __str__(self) -> str:
        kind = self.kind or _("any kind")
        channel = self.get_channel_display() if self.channel else _("any channel")
        return f"{kind}, {channel}: {self.first_response_hours} h"
