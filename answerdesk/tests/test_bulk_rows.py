"""bulk_rows: the fast constructor and the executemany write path agree with the ORM."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.forms.models import model_to_dict

from answerdesk.bulk_rows import build, insert_rows, update_rows
from answerdesk.tickets.models import Contact, Ticket, TicketEvent

AT = dt.datetime(2026, 11, 16, 8, 30, tzinfo=dt.UTC)


def test_build_makes_the_same_instance_as_the_keyword_constructor():
    contact = Contact(name="Marie")
    given = {"subject": "Commande", "channel": "email", "created_at": AT, "updated_at": AT}
    ticket = Ticket(contact=contact, **given)

    fast = build(Ticket, contact=contact, **given)

    assert model_to_dict(fast) == model_to_dict(ticket)
    assert fast.contact is contact
    assert build(Ticket, subject="x").updated_at is not None  # defaults apply (timezone.now)
    assert build(TicketEvent, ticket_id=7, kind="created").data == {}  # a fresh default


@pytest.mark.django_db
def test_inserted_rows_read_back_as_the_orm_would_store_them():
    contact = build(Contact, name="Zoé", created_at=AT)
    ticket = build(Ticket, subject="Prix ?", contact=contact, channel="email", created_at=AT)
    event = build(TicketEvent, ticket=ticket, kind="created", data={"é": [1, 2]}, created_at=AT)

    with transaction.atomic():
        insert_rows([contact])
        insert_rows([ticket])
        insert_rows([event])

    stored = TicketEvent.objects.select_related("ticket__contact").get()
    assert stored.ticket.contact is not None
    assert stored.ticket.contact.name == "Zoé"
    assert stored.ticket.created_at == AT
    assert stored.data == {"é": [1, 2]}
    assert Ticket.objects.get().reference == ticket.reference


@pytest.mark.django_db
def test_ids_are_never_reused_after_a_delete():
    first, deleted = build(Contact, name="a"), build(Contact, name="b")
    with transaction.atomic():
        insert_rows([first, deleted])
    Contact.objects.filter(pk=deleted.pk).delete()

    with transaction.atomic():
        later = build(Contact, name="c")
        insert_rows([later])

    assert deleted.pk > first.pk
    assert later.pk > deleted.pk


@pytest.mark.django_db
def test_update_rows_writes_only_the_named_fields():
    ticket = Ticket.objects.create(subject="old", channel="email")
    ticket.subject, ticket.status = "new subject", Ticket.Status.OPEN

    with transaction.atomic():
        update_rows([ticket], ["status"])

    ticket.refresh_from_db()
    assert (ticket.subject, ticket.status) == ("old", Ticket.Status.OPEN)
