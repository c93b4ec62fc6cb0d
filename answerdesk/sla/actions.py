"""First-response targets: the due date of a new ticket, and escalation once it is missed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext

from answerdesk.desk.models import Notification
from answerdesk.sla.calendar import BusinessCalendar
from answerdesk.sla.models import BusinessHours, Holiday, SlaPolicy
from answerdesk.tickets import events
from answerdesk.tickets.access import Role, staff_with_role
from answerdesk.tickets.models import AWAITING_AGENT, Message, Ticket, TicketEvent

# A ticket waiting on the customer, solved or closed owes no first response.


def business_time_zone() -> ZoneInfo:
    return ZoneInfo(settings.ANSWERDESK_BUSINESS_TIME_ZONE or settings.TIME_ZONE)


def current_calendar() -> BusinessCalendar:
    """The calendar as configured in the admin (two small queries)."""
    rows = BusinessHours.objects.values_list("weekday", "opens", "closes")
    holidays = Holiday.objects.values_list("date", flat=True)
    return BusinessCalendar.from_rows(rows, holidays, business_time_zone())


def active_policies() -> tuple[SlaPolicy, ...]:
    return tuple(SlaPolicy.objects.filter(active=True))


def target_hours(kind: str, channel: str, policies: Sequence[SlaPolicy]) -> int:
    """The target of the most specific active policy for this kind and channel: kind and
    channel, then kind, then channel, then any; ANSWERDESK_SLA_DEFAULT_HOURS if none."""
    matching = [
        p for p in policies if p.active and p.kind in ("", kind) and p.channel in ("", channel)
    ]
    if not matching:
        return int(settings.ANSWERDESK_SLA_DEFAULT_HOURS)
    # (has kind, has channel) orders the four levels as wanted. Two active policies for the
    # same pair are refused by a constraint; should a hand-made list hold some, the
    # shorter target wins.
    best = max(matching, key=lambda p: (p.kind != "", p.channel != "", -p.first_response_hours))
    return best.first_response_hours


def first_response_due(
    kind: str,
    channel: str,
    start: dt.datetime,
    calendar: BusinessCalendar | None = None,
    policies: Sequence[SlaPolicy] | None = None,
) -> dt.datetime:
    """When a ticket of this kind, come in on this channel at `start`, must be answered.

    Reads the calendar and the policies unless given (give them when computing many).
    """
    if calendar is None:
        calendar = current_calendar()
    if policies is None:
        policies = active_policies()
    return calendar.add(start, target_hours(kind, channel, policies))


@dataclass(frozen=True)
class SlaRules:
    """The calendar and the active policies, read once and used for many tickets (an
    ingest batch keeps one, see mail/pipeline/thread.py)."""

    calendar: BusinessCalendar
    policies: tuple[SlaPolicy, ...]

    def due(self, kind: str, channel: str, start: dt.datetime) -> dt.datetime:
        return first_response_due(kind, channel, start, self.calendar, self.policies)


def current_rules() -> SlaRules:
    return SlaRules(current_calendar(), active_policies())


def clock_start(ticket: Ticket) -> dt.datetime:
    """When the first-response clock started: when the first customer message reached us.

    Not the message's Date header, which the sender's clock wrote; the ticket's creation
    time for a ticket with no inbound message.
    """
    if ticket.pk is not None:
        first = (
            ticket.messages.filter(direction=Message.Direction.INBOUND)
            .order_by("received_at")
            .values_list("received_at", flat=True)
            .first()
        )
        if first is not None:
            return first
    return ticket.created_at


def set_due(ticket: Ticket, now: dt.datetime) -> None:
    """Give a ticket being created outside the mail pipeline (a form) its due date; the
    caller saves the ticket."""
    ticket.due_at = first_response_due(ticket.kind, ticket.channel, now)


def recompute_due(ticket: Ticket) -> bool:
    """Recompute the due date after the kind was corrected (its policy may differ).

    Only while no first response was sent (the conditional UPDATE makes sure of it even if
    a reply goes out at the same moment), and only for a ticket that has a target: one
    imported, or made before this app, keeps none. Returns whether the due date changed.
    A ticket escalated already stays escalated.
    """
    if ticket.first_response_at is not None or ticket.due_at is None:
        return False
    due = first_response_due(ticket.kind, ticket.channel, clock_start(ticket))
    if due == ticket.due_at:
        return False
    changed = Ticket.objects.filter(
        pk=ticket.pk, first_response_at__isnull=True, due_at__isnull=False
    ).update(due_at=due)
    if changed:
        ticket.due_at = due
    return bool(changed)


def _overdue(now: dt.datetime) -> Q:
    return Q(
        status__in=AWAITING_AGENT,
        first_response_at__isnull=True,
        due_at__lt=now,
        escalated_at__isnull=True,
    )


def escalate_overdue(now: dt.datetime) -> int:
    """Escalate every ticket whose first-response target passed unanswered; returns how many.

    Each gets escalated_at and the urgent priority, an sla_breached event, and a
    notification for every supervisor and admin and for its assignee. A ticket is taken by
    a conditional UPDATE (escalated_at IS NULL), so running this again, or on two workers
    at once, escalates it once: on PostgreSQL the second UPDATE waits for the first to
    commit, then finds escalated_at set; on SQLite writers take turns.
    """
    # In id order, so that two workers lock rows in the same order and cannot deadlock.
    overdue = list(Ticket.objects.filter(_overdue(now)).select_related("assignee").order_by("pk"))
    if not overdue:
        return 0
    watchers = list(
        staff_with_role(Role.SUPERVISOR, Role.ADMIN).order_by("pk").values_list("pk", flat=True)
    )
    tz = business_time_zone()
    timeline: list[TicketEvent] = []
    notifications: list[Notification] = []
    with transaction.atomic():
        for ticket in overdue:
            taken = Ticket.objects.filter(_overdue(now), pk=ticket.pk).update(
                escalated_at=now, priority=Ticket.Priority.URGENT
            )
            if not taken:  # answered, closed or escalated since it was read
                continue
            old_priority, due_at = ticket.priority, ticket.due_at
            assert due_at is not None  # the filter says so
            ticket.escalated_at, ticket.priority = now, Ticket.Priority.URGENT
            timeline.append(
                events.sla_breached(ticket, due_at=due_at, at=now, old_priority=old_priority)
            )
            text = overdue_text(ticket.reference, due_at, tz)
            recipients = dict.fromkeys(watchers)
            if ticket.assignee is not None and ticket.assignee.is_active:
                recipients[ticket.assignee.pk] = None
            notifications += [
                Notification(user_id=pk, ticket=ticket, text=text, created_at=now)
                for pk in recipients
            ]
        TicketEvent.objects.bulk_create(timeline)
        Notification.objects.bulk_create(notifications)
    return len(timeline)


def overdue_text(reference: str, due_at: dt.datetime, tz: ZoneInfo) -> str:
    """The notification, with the target in the business time zone."""
    due = f"{due_at.astimezone(tz):%Y-%m-%d %H:%M %Z}"
    return gettext("%(reference)s is overdue: no first response by %(due)s") % {
        "reference": reference,
        "due": due,
    }
