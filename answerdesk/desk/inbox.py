"""The inbox views (mine, unassigned, due soon, overdue...), their counts, filters and order.

Every view works inside the tickets the user may see (answerdesk.tickets.access), so the
counts never reveal tickets out of reach. Counts cover open work only (new, open and
waiting tickets), which an index starting with status serves however many tickets were
solved.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse
from django.utils.formats import localize
from django.utils.text import Truncator
from django.utils.timesince import timesince, timeuntil
from django.utils.timezone import localtime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from answerdesk.tickets.models import AWAITING_AGENT, OPEN_STATUSES, Ticket

DUE_SOON = dt.timedelta(hours=4)


@dataclass(frozen=True, slots=True)
class View:
    slug: str
    label: StrOrPromise
    condition: Callable[[Any, dt.datetime], Q]


def _mine(user: Any, now: dt.datetime) -> Q:
    return Q(assignee_id=user.pk, status__in=OPEN_STATUSES)


def _unassigned(user: Any, now: dt.datetime) -> Q:
    return Q(assignee__isnull=True, status__in=OPEN_STATUSES)


def _open(user: Any, now: dt.datetime) -> Q:
    return Q(status__in=OPEN_STATUSES)


def _due_soon(user: Any, now: dt.datetime) -> Q:
    return Q(
        status__in=AWAITING_AGENT,
        first_response_at__isnull=True,
        due_at__gte=now,
        due_at__lt=now + DUE_SOON,
    )


def _overdue(user: Any, now: dt.datetime) -> Q:
    return Q(status__in=AWAITING_AGENT, first_response_at__isnull=True, due_at__lt=now)


def _waiting(user: Any, now: dt.datetime) -> Q:
    return Q(status=Ticket.Status.WAITING)


def _solved(user: Any, now: dt.datetime) -> Q:
    return Q(status__in=(Ticket.Status.SOLVED, Ticket.Status.CLOSED))


VIEWS: Mapping[str, View] = {
    v.slug: v
    for v in (
        View("mine", _("Mine"), _mine),
        View("unassigned", _("Unassigned"), _unassigned),
        View("open", _("All open"), _open),
        View("due_soon", _("Due soon"), _due_soon),
        View("overdue", _("Overdue"), _overdue),
        View("waiting", _("Waiting on customer"), _waiting),
        View("solved", _("Solved and closed"), _solved),
    )
}
COUNTED = ("mine", "unassigned", "open", "due_soon", "overdue", "waiting")

SORTS: Mapping[str, tuple[StrOrPromise, tuple[Any, ...]]] = {
    # Most urgent first: what falls due soonest, then the highest priority.
    "due": (_("Due first"), (F("due_at").asc(nulls_last=True), "-priority", "pk")),
    "priority": (_("Priority"), ("-priority", F("due_at").asc(nulls_last=True), "pk")),
    "newest": (_("Newest"), ("-created_at", "-pk")),
    "oldest": (_("Oldest"), ("created_at", "pk")),
    "updated": (_("Recently updated"), ("-updated_at", "-pk")),
}


@dataclass(frozen=True, slots=True)
class Filters:
    kind: str = ""
    language: str = ""
    status: str = ""
    assignee: str = ""  # a user id, or "none"
    priority: str = ""

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> Filters:
        def pick(name: str) -> str:
            return str(query.get(name, ""))[:40]

        return cls(
            pick("kind"), pick("language"), pick("status"), pick("assignee"), pick("priority")
        )

    def apply(self, tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
        if self.kind:
            tickets = tickets.filter(kind=self.kind)
        if self.language:
            tickets = tickets.filter(language=self.language)
        if self.status in Ticket.Status.values:
            tickets = tickets.filter(status=self.status)
        if self.assignee == "none":
            tickets = tickets.filter(assignee__isnull=True)
        elif self.assignee.isdigit():
            tickets = tickets.filter(assignee_id=int(self.assignee))
        if self.priority.isdigit():
            tickets = tickets.filter(priority=int(self.priority))
        return tickets

    def as_query(self) -> dict[str, str]:
        return {name: value for name, value in asdict(self).items() if value}


def inbox(
    visible: QuerySet[Ticket],
    view: View,
    filters: Filters,
    sort: str,
    user: Any,
    now: dt.datetime,
) -> QuerySet[Ticket]:
    """The view's tickets in the order asked. Nothing joined: page them with
    desk.paging.TicketPaginator, which reads the contact and assignee of the page's rows
    only (joined here, SQLite would look up those of every matching ticket before sorting,
    bench/desk_pages.py)."""
    tickets = filters.apply(visible.filter(view.condition(user, now)))
    order = SORTS.get(sort, SORTS["due"])[1]
    return tickets.order_by(*order)


@dataclass(frozen=True, slots=True)
class Counts:
    views: dict[str, int]
    kinds: list[tuple[str, int]]
    languages: list[tuple[str, int]]


def counts(visible: QuerySet[Ticket], user: Any, now: dt.datetime) -> Counts:
    """One query, however many views: the open tickets counted per view, grouped by
    status, kind and language, and summed here. The index on (status, kind, language,
    assignee, due_at, first_response_at) covers it and gives the rows in that order: no
    ticket row is read and nothing is sorted (grouped by kind and language alone, SQLite
    sorted the 15,000 open tickets: half the query's time)."""
    rows = (
        visible.filter(status__in=OPEN_STATUSES)
        .values("status", "kind", "language")
        .annotate(
            n=Count("pk"),
            **{slug: Count("pk", filter=VIEWS[slug].condition(user, now)) for slug in COUNTED},
        )
        .order_by()
    )
    views = dict.fromkeys(COUNTED, 0)
    kinds: Counter[str] = Counter()
    languages: Counter[str] = Counter()
    for row in rows:
        kinds[row["kind"]] += row["n"]
        languages[row["language"]] += row["n"]
        for slug in COUNTED:
            views[slug] += row[slug]
    return Counts(views, _by_count(kinds), _by_count(languages))


def _by_count(counter: Counter[str]) -> list[tuple[str, int]]:
    """Largest first, then by name."""
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))


@dataclass(frozen=True, slots=True)
class Row:
    """One line of an inbox, with what the template would otherwise work out per row: each
    filter, get_FOO_display() and date the template printed cost 15-40 µs a row. Done
    here, 50 rows take 2.4 ms of CPU more here and 5 ms less in the template
    (bench/desk_pages.py's data)."""

    ticket: Ticket
    href: str
    subject: str  # cut to 90 characters, "—" when empty
    kind_label: str
    status_label: str
    priority_label: str
    assignee: str  # "—" when nobody
    due_class: str  # overdue, running, answered or none
    due_text: str
    due_title: str  # the due date as the template would print it, or ""


def rows(tickets: Iterable[Ticket], now: dt.datetime, kind_labels: Mapping[str, str]) -> list[Row]:
    statuses = {value: str(label) for value, label in Ticket.Status.choices}
    priorities = {value: str(label) for value, label in Ticket.Priority.choices}
    return [
        Row(
            t,
            reverse("desk:ticket", args=[t.pk]),
            Truncator(t.subject or "—").chars(90),
            kind_labels.get(t.kind, t.kind),
            statuses.get(t.status, t.status),
            priorities.get(t.priority, str(t.priority)),
            (t.assignee.get_username() if t.assignee else "") or "—",
            *first_response_clock(t, now),
            "" if t.due_at is None else localize(localtime(t.due_at)),
        )
        for t in tickets
    ]


def first_response_clock(ticket: Ticket, now: dt.datetime) -> tuple[str, str]:
    """The first-response timer as (state, words): overdue by..., due in..., answered."""
    if ticket.status not in AWAITING_AGENT:
        return "none", "—"
    if ticket.first_response_at is not None:
        return "answered", gettext("answered")
    if ticket.due_at is None:
        return "none", "—"
    if ticket.due_at < now:
        return "overdue", gettext("overdue by %(ago)s") % {"ago": timesince(ticket.due_at, now)}
    return "running", gettext("due in %(left)s") % {"left": timeuntil(ticket.due_at, now)}
