"""Escalation of missed first-response targets: event, priority, notifications, once only."""

from __future__ import annotations

import datetime as dt
import threading
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection

from answerdesk.desk.models import Notification
from answerdesk.sla.actions import escalate_overdue
from answerdesk.tickets.models import Channel, Ticket, TicketEvent

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
DUE = dt.datetime(2026, 11, 23, 10, tzinfo=PARIS)
NOW = DUE + dt.timedelta(minutes=1)


@pytest.fixture(autouse=True)
def _paris(settings):
    settings.ANSWERDESK_BUSINESS_TIME_ZONE = "Europe/Paris"


@pytest.fixture
def team(make_staff):
    """A supervisor, an admin, a superuser, the assignee, another agent and a supervisor
    who left: only the first four hear of an overdue ticket."""
    return {
        "supervisor": make_staff("supervisor", "sofia"),
        "admin": make_staff("admin", "adam"),
        "root": make_staff("agent", "root", is_superuser=True),
        "assignee": make_staff("agent", "camille"),
        "other_agent": make_staff("agent", "olivier"),
        "former": make_staff("supervisor", "fanny", is_active=False),
    }


def ticket(**fields) -> Ticket:
    values = {"channel": Channel.EMAIL, "status": Ticket.Status.OPEN, "due_at": DUE} | fields
    return Ticket.objects.create(**values)


def test_an_overdue_ticket_is_escalated_with_an_event_and_notifications(team):
    overdue = ticket(assignee=team["assignee"], priority=Ticket.Priority.LOW)

    count = escalate_overdue(NOW)

    assert count == 1
    overdue.refresh_from_db()
    assert overdue.escalated_at == NOW
    assert overdue.priority == Ticket.Priority.URGENT
    event = overdue.events.get()
    assert (event.kind, event.actor_label) == (TicketEvent.Kind.SLA_BREACHED, "sla")
    assert dt.datetime.fromisoformat(event.data["due_at"]) == DUE
    assert event.data["priority"] == {"from": Ticket.Priority.LOW, "to": Ticket.Priority.URGENT}
    notified = {n.user.username for n in Notification.objects.filter(ticket=overdue)}
    assert notified == {"sofia", "adam", "root", "camille"}
    assert Notification.objects.first().text == (  # type: ignore[union-attr]
        f"{overdue.reference} is overdue: no first response by 2026-11-23 10:00 CET"
    )


def test_a_second_run_does_nothing_more(team):
    overdue = ticket(assignee=team["assignee"])
    escalate_overdue(NOW)

    again = escalate_overdue(NOW + dt.timedelta(minutes=1))

    assert again == 0
    overdue.refresh_from_db()
    assert overdue.escalated_at == NOW
    assert overdue.events.count() == 1
    assert Notification.objects.count() == 4


@pytest.mark.parametrize(
    "fields",
    [
        {"due_at": NOW + dt.timedelta(minutes=1)},  # not due yet
        {"due_at": NOW},  # due this very moment: not missed yet
        {"due_at": None},  # no target (made before the SLA app)
        {"first_response_at": DUE - dt.timedelta(hours=1)},  # answered
        {"status": Ticket.Status.WAITING},  # the customer's turn
        {"status": Ticket.Status.SOLVED},
        {"status": Ticket.Status.CLOSED},
        {"escalated_at": DUE},  # escalated already
    ],
)
def test_a_ticket_that_owes_no_first_response_now_is_left_alone(team, fields):
    left = ticket(**fields)

    assert escalate_overdue(NOW) == 0
    left.refresh_from_db()
    assert left.priority == Ticket.Priority.NORMAL
    assert not left.events.exists()
    assert not Notification.objects.exists()


def test_an_unassigned_ticket_notifies_the_supervisors_and_admins(team):
    ticket(status=Ticket.Status.NEW)

    escalate_overdue(NOW)

    assert Notification.objects.count() == 3


# No serialized_rollback: after another transactional test's flush re-made the content
# types, restoring the serialized ones would collide with them (make_staff makes the role
# groups it needs).
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite writers take turns at BEGIN IMMEDIATE; the race is PostgreSQL's",
)
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_escalate_each_ticket_once(make_staff):
    make_staff("supervisor", "sofia")
    for _ in range(30):
        ticket()
    start = threading.Barrier(2)
    counts: list[int] = []

    def worker() -> None:
        try:
            start.wait()
            counts.append(escalate_overdue(NOW))
        finally:
            connection.close()

    workers = [threading.Thread(target=worker) for _ in range(2)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()

    assert sum(counts) == 30
    assert TicketEvent.objects.filter(kind=TicketEvent.Kind.SLA_BREACHED).count() == 30
    assert Notification.objects.count() == 30


def test_the_command_escalates_and_says_how_many(team):
    ticket()
    out = StringIO()

    call_command("sla", stdout=out)

    assert out.getvalue() == "tickets escalated: 1\n"
    assert Ticket.objects.get().escalated_at is not None


def test_the_worker_escalates_overdue_tickets_as_it_runs(team, blob_store):
    ticket()

    call_command("worker", "--once", stdout=StringIO())

    assert Ticket.objects.get().escalated_at is not None
