"""Due dates: which policy applies, new mail tickets get one, corrections recompute it."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from answerdesk.mail.actions import do_accept, do_process
from answerdesk.mail.tests.mails import make_mail
from answerdesk.sla.actions import (
    current_calendar,
    first_response_due,
    recompute_due,
    set_due,
    target_hours,
)
from answerdesk.sla.models import BusinessHours, Holiday, SlaPolicy
from answerdesk.tickets.models import Channel, Message, Ticket

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
FRIDAY_17 = dt.datetime(2026, 11, 20, 17, tzinfo=PARIS)
MONDAY_10 = dt.datetime(2026, 11, 23, 10, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def _paris(settings):
    settings.ANSWERDESK_BUSINESS_TIME_ZONE = "Europe/Paris"
    settings.ANSWERDESK_SLA_DEFAULT_HOURS = 24
    settings.ANSWERDESK_ACK_ENABLED = False  # these tests are about due dates


@pytest.fixture
def policies():
    """Every level of specificity, plus an inactive policy that must be ignored."""
    return [
        SlaPolicy.objects.create(first_response_hours=24),
        SlaPolicy.objects.create(channel=Channel.EMAIL, first_response_hours=12),
        SlaPolicy.objects.create(kind="complaint", first_response_hours=8),
        SlaPolicy.objects.create(kind="complaint", channel=Channel.EMAIL, first_response_hours=4),
        SlaPolicy.objects.create(kind="sales_inquiry", first_response_hours=1, active=False),
    ]


@pytest.mark.parametrize(
    ("kind", "channel", "hours"),
    [
        ("complaint", Channel.EMAIL, 4),  # kind and channel
        ("complaint", Channel.PHONE, 8),  # kind
        ("technical_problem", Channel.EMAIL, 12),  # channel
        ("technical_problem", Channel.PHONE, 24),  # any
        ("", Channel.FORM, 24),  # not triaged yet: only a policy for any kind applies
        ("sales_inquiry", Channel.CHAT, 24),  # its own policy is inactive
    ],
)
def test_the_most_specific_active_policy_wins(policies, kind, channel, hours):
    assert target_hours(kind, channel, policies) == hours


def test_with_no_policy_the_target_is_the_default_setting(settings):
    settings.ANSWERDESK_SLA_DEFAULT_HOURS = 3

    assert target_hours("complaint", Channel.EMAIL, []) == 3
    assert first_response_due("complaint", Channel.EMAIL, FRIDAY_17) == dt.datetime(
        2026, 11, 23, 11, tzinfo=PARIS
    )


def test_the_calendar_is_read_from_the_admin_tables_in_the_business_time_zone():
    Holiday.objects.create(date=dt.date(2026, 11, 23), name="closed for the day")

    calendar = current_calendar()

    assert calendar.tz == PARIS
    assert calendar.hours[0] == ((dt.time(9), dt.time(18)),)  # seeded by the migration
    assert calendar.hours[5] == calendar.hours[6] == ()
    assert calendar.add(FRIDAY_17, 2) == dt.datetime(2026, 11, 24, 10, tzinfo=PARIS)


def test_with_every_business_hour_deleted_the_clock_runs_around_the_clock():
    BusinessHours.objects.all().delete()

    assert first_response_due("", Channel.EMAIL, FRIDAY_17) == FRIDAY_17 + dt.timedelta(days=1)


def test_a_ticket_opened_by_mail_is_due_by_its_policy_counted_from_its_arrival(blob_store):
    SlaPolicy.objects.create(channel=Channel.EMAIL, first_response_hours=2)
    # The Date header says Monday morning; the message reached us on Friday at 17:00.
    accepted = do_accept(
        [("smtp:192.0.2.1", make_mail(message_id="sla1@example.fr"))], received_at=FRIDAY_17
    )

    do_process(accepted.pending, store=blob_store)

    assert Ticket.objects.get().due_at == MONDAY_10


def test_imported_mail_opens_tickets_with_no_due_date(blob_store):
    # Old mail from `answerdesk ingest`: nobody is waiting now, as for acknowledgements.
    accepted = do_accept([("import:archive.mbox#0", make_mail(message_id="old@example.fr"))])

    do_process(accepted.pending, store=blob_store)

    assert Ticket.objects.get().due_at is None


def test_a_batch_reads_the_calendar_once_and_a_reply_keeps_its_tickets_due_date(blob_store):
    mails = [
        make_mail(message_id="one@example.fr"),
        make_mail(message_id="two@example.fr", sender="Paul <paul@example.fr>"),
        make_mail(message_id="re@example.fr", in_reply_to="one@example.fr"),
    ]
    accepted = do_accept(
        [(f"smtp:192.0.2.{i}", m) for i, m in enumerate(mails)], received_at=FRIDAY_17
    )

    with CaptureQueriesContext(connection) as queries:
        do_process(accepted.pending, store=blob_store)

    assert sum(BusinessHours._meta.db_table in q["sql"] for q in queries) == 1
    tickets = Ticket.objects.all()
    assert len(tickets) == 2
    # 24 business hours from Friday 17:00: 1 + 9 + 9 + 5.
    wednesday_14 = dt.datetime(2026, 11, 25, 14, tzinfo=PARIS)
    assert [t.due_at for t in tickets] == [wednesday_14, wednesday_14]


def test_set_due_gives_a_ticket_made_elsewhere_its_target():
    SlaPolicy.objects.create(channel=Channel.FORM, first_response_hours=2)
    ticket = Ticket(channel=Channel.FORM, kind="complaint")

    set_due(ticket, FRIDAY_17)

    assert ticket.due_at == MONDAY_10


def inbound_ticket(kind: str, received_at: dt.datetime) -> Ticket:
    ticket = Ticket.objects.create(channel=Channel.EMAIL, kind=kind, created_at=received_at)
    Message.objects.create(
        ticket=ticket,
        direction=Message.Direction.INBOUND,
        channel=Channel.EMAIL,
        message_id=f"{kind}@example.fr",
        sent_at=received_at - dt.timedelta(days=3),  # a wrong clock at the sender's
        received_at=received_at,
    )
    set_due(ticket, received_at)
    ticket.save()
    return ticket


def test_correcting_the_kind_recomputes_the_due_date_from_the_first_message(policies):
    ticket = inbound_ticket("technical_problem", FRIDAY_17)
    assert ticket.due_at == dt.datetime(2026, 11, 24, 11, tzinfo=PARIS)  # 12 hours

    ticket.kind = "complaint"
    changed = recompute_due(ticket)

    assert changed
    ticket.refresh_from_db()
    assert ticket.due_at == dt.datetime(2026, 11, 23, 12, tzinfo=PARIS)  # 4 hours


def test_after_the_first_response_the_due_date_no_longer_moves(policies):
    ticket = inbound_ticket("technical_problem", FRIDAY_17)
    before = ticket.due_at
    # The reply went out after this copy of the ticket was read: the UPDATE must see it.
    Ticket.objects.filter(pk=ticket.pk).update(first_response_at=MONDAY_10)

    ticket.kind = "complaint"

    assert not recompute_due(ticket)
    ticket.refresh_from_db()
    assert ticket.due_at == before
    assert not recompute_due(ticket)  # and read with its first response, not even tried


def test_a_ticket_with_no_target_gets_none_when_its_kind_is_corrected(policies):
    ticket = inbound_ticket("technical_problem", FRIDAY_17)
    Ticket.objects.filter(pk=ticket.pk).update(due_at=None)  # imported, say
    ticket.refresh_from_db()

    ticket.kind = "complaint"

    assert not recompute_due(ticket)
    ticket.refresh_from_db()
    assert ticket.due_at is None
