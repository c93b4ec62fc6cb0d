"""The desk's pages through Django's test client: inboxes, the ticket, the reply gate."""

from __future__ import annotations

import datetime as dt
from email import message_from_bytes
from email.policy import default

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from answerdesk.desk.models import CannedReply
from answerdesk.desk.search import search_tickets
from answerdesk.mail.actions import do_accept, do_process
from answerdesk.mail.models import OutboundMessage
from answerdesk.mail.tests.mails import make_mail
from answerdesk.tickets.access import visible_tickets
from answerdesk.tickets.models import AgentProfile, Contact, Message, Ticket, TicketEvent

pytestmark = pytest.mark.django_db

TWO_ASKS = (
    "Bonjour,\r\nQuand ma commande 4512 sera-t-elle livrée ?\r\n"
    "Et puis-je payer en trois fois ?\r\nMarie\r\n"
)
ONE_ANSWER = "Bonjour Marie,\n\nVotre commande 4512 sera livrée jeudi.\n\nCordialement"
BOTH_ANSWERS = (
    "Bonjour Marie,\n\nVotre commande 4512 sera livrée jeudi.\n"
    "Oui, vous pouvez payer en trois fois sans frais par carte bancaire.\n\nCordialement"
)


def ingest(blob_store, **mail) -> Ticket:
    mail.setdefault("body", TWO_ASKS)
    do_process(do_accept([("smtp:192.0.2.1", make_mail(**mail))]).pending, store=blob_store)
    return Ticket.objects.get(messages__message_id=mail["message_id"])


@pytest.fixture
def agent(make_staff):
    return make_staff("agent", "camille")


@pytest.fixture
def signed_in(client: Client, agent) -> Client:
    client.force_login(agent)
    return client


def test_the_desk_asks_for_a_login_and_refuses_users_without_a_role(client, django_user_model):
    assert client.get("/desk/inbox/mine/").status_code == 302
    nobody = django_user_model.objects.create_user("guest", "g@x.test", "x")
    client.force_login(nobody)
    assert client.get("/desk/inbox/open/").status_code == 404


def test_inbox_views_count_and_list_only_visible_tickets(signed_in, agent, make_staff, blob_store):
    mine = ingest(blob_store, message_id="a@x.fr", subject="Mine")
    other_agent = make_staff("agent", "hugo")
    theirs = ingest(blob_store, message_id="b@x.fr", subject="Theirs", sender="b@y.fr")
    unassigned = ingest(blob_store, message_id="c@x.fr", subject="Nobody's", sender="c@y.fr")
    Ticket.objects.filter(pk=mine.pk).update(assignee=agent)
    Ticket.objects.filter(pk=theirs.pk).update(assignee=other_agent)
    overdue = timezone.now() - dt.timedelta(hours=1)
    Ticket.objects.filter(pk=unassigned.pk).update(due_at=overdue)

    page = signed_in.get("/desk/inbox/open/")

    assert page.status_code == 200
    assert page.context["counts"].views == {
        "mine": 1,
        "unassigned": 1,
        "open": 2,
        "due_soon": 0,
        "overdue": 1,
        "waiting": 0,
    }
    listed = [t.pk for t in page.context["page"]]
    assert theirs.pk not in listed
    assert sorted(listed) == sorted([mine.pk, unassigned.pk])
    overdue_page = signed_in.get("/desk/inbox/overdue/")
    assert [t.pk for t in overdue_page.context["page"]] == [unassigned.pk]
    assert signed_in.get(f"/desk/tickets/{theirs.pk}/").status_code == 404


def test_inbox_filters_sorts_and_paginates_without_a_query_per_row(
    signed_in, blob_store, django_assert_max_num_queries
):
    for n in range(3):
        ingest(blob_store, message_id=f"m{n}@x.fr", subject=f"S{n}", sender=f"p{n}@y.fr")
    Ticket.objects.filter(subject="S1").update(language="en")
    page = signed_in.get("/desk/inbox/open/?language=en&sort=newest")
    assert [t.subject for t in page.context["page"]] == ["S1"]
    with django_assert_max_num_queries(12):
        assert signed_in.get("/desk/inbox/open/?sort=priority&page=99").status_code == 200


def test_the_ticket_page_shows_the_thread_the_asks_and_their_suggestions(signed_in, blob_store):
    ticket = ingest(blob_store, message_id="q@x.fr")
    CannedReply.objects.create(title="Salutation", language="fr", body="Bonjour {name},")

    page = signed_in.get(f"/desk/tickets/{ticket.pk}/")

    assert page.status_code == 200
    asks = [row.ask.text for row in page.context["page"].asks]
    assert len(asks) == 2
    html = page.content.decode()
    assert "Et puis-je payer en trois fois ?" in html
    assert "Bonjour Marie Dupont," in html  # the canned reply, its placeholder filled
    assert "script-src 'self'" in page["Content-Security-Policy"]


def test_the_gate_stops_a_reply_that_leaves_an_ask_unanswered(signed_in, agent, blob_store):
    ticket = ingest(blob_store, message_id="q@x.fr")
    url = f"/desk/tickets/{ticket.pk}/reply/"

    stopped = signed_in.post(url, {"body": ONE_ANSWER, "status": "waiting"})

    assert stopped.status_code == 409
    assert [a.text for a in stopped.context["unanswered"]] == ["Et puis-je payer en trois fois ?"]
    assert not Message.objects.filter(author=agent).exists()

    sent = signed_in.post(
        url, {"body": ONE_ANSWER, "status": "waiting", "confirm_unanswered": "on"}
    )

    assert sent.status_code == 302
    skipped = TicketEvent.objects.get(ticket=ticket, kind=TicketEvent.Kind.ASK_SKIPPED)
    assert skipped.data["ask"] == "Et puis-je payer en trois fois ?"
    assert skipped.actor == agent


def test_a_complete_reply_goes_out_threaded_signed_and_timed(signed_in, agent, blob_store):
    AgentProfile.objects.create(user=agent, signature="Camille, service client")
    ticket = ingest(blob_store, message_id="q@x.fr")

    response = signed_in.post(
        f"/desk/tickets/{ticket.pk}/reply/", {"body": BOTH_ANSWERS, "status": "waiting"}
    )

    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.first_response_at is not None
    assert ticket.status == Ticket.Status.WAITING
    outbound = OutboundMessage.objects.get(kind=OutboundMessage.Kind.REPLY)
    mail = message_from_bytes(bytes(outbound.data), policy=default)
    assert mail["In-Reply-To"] == "<q@x.fr>"
    assert "<q@x.fr>" in mail["References"]
    assert ticket.reference in mail["Subject"]
    assert mail["To"] == "marie.dupont@example.fr"
    assert "Camille, service client" in mail.get_content()
    assert not TicketEvent.objects.filter(kind=TicketEvent.Kind.ASK_SKIPPED).exists()
    # Answered: the checklist is empty until the customer writes again.
    assert signed_in.get(f"/desk/tickets/{ticket.pk}/").context["page"].asks == []


def test_the_live_check_says_which_ask_a_draft_answers(signed_in, blob_store):
    ticket = ingest(blob_store, message_id="q@x.fr")
    result = signed_in.post(f"/desk/tickets/{ticket.pk}/check/", {"body": ONE_ANSWER}).json()
    assert [a["answered"] for a in result["asks"]] == [True, False]


def test_notes_assignment_status_correction_and_merge_are_on_the_timeline(
    client, make_staff, blob_store
):
    boss = make_staff("supervisor", "sofia")
    agent = make_staff("agent", "camille")
    client.force_login(boss)
    first = ingest(blob_store, message_id="a@x.fr")
    second = ingest(blob_store, message_id="b@x.fr", subject="Encore moi")
    base = f"/desk/tickets/{first.pk}"

    client.post(f"{base}/note/", {"body": "Client fidèle, geste commercial possible."})
    client.post(f"{base}/update/", {"assignee": str(agent.pk), "status": "open", "priority": "3"})
    client.post(f"{base}/correct/", {"kind": "complaint", "language": "fr"})
    client.post(f"/desk/tickets/{second.pk}/merge/", {"into": first.reference})

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.assignee, first.status, first.priority, first.kind) == (
        agent,
        "open",
        3,
        "complaint",
    )
    assert second.merged_into == first
    assert second.status == Ticket.Status.CLOSED
    assert first.messages.filter(message_id="b@x.fr").exists()
    kinds = set(first.events.values_list("kind", flat=True))
    assert {"note_added", "assigned", "status_changed", "priority_changed", "merged"} <= kinds
    assert "understanding_corrected" in kinds


def test_an_agent_cannot_hand_a_ticket_to_someone_else(signed_in, make_staff, blob_store):
    other = make_staff("agent", "hugo")
    ticket = ingest(blob_store, message_id="a@x.fr")
    response = signed_in.post(
        f"/desk/tickets/{ticket.pk}/update/", {"assignee": str(other.pk)}, follow=True
    )
    ticket.refresh_from_db()
    assert ticket.assignee is None
    assert "Only a supervisor" in response.content.decode()


def test_bulk_actions_apply_to_visible_tickets_only(signed_in, agent, make_staff, blob_store):
    a = ingest(blob_store, message_id="a@x.fr")
    b = ingest(blob_store, message_id="b@x.fr", sender="b@y.fr")
    hidden = ingest(blob_store, message_id="c@x.fr", sender="c@y.fr")
    Ticket.objects.filter(pk=hidden.pk).update(assignee=make_staff("agent", "hugo"))
    ids = f"{a.pk},{b.pk},{hidden.pk}"

    signed_in.post("/desk/tickets/bulk/", {"tickets": ids, "action": "status", "value": "solved"})

    statuses = dict(Ticket.objects.values_list("pk", "status"))
    assert statuses[a.pk] == statuses[b.pk] == "solved"
    assert statuses[hidden.pk] == "new"


@pytest.mark.parametrize(
    "payload",
    [
        {"tickets": "", "action": "status"},
        {"tickets": "1,x", "action": "status"},
        {"tickets": "1", "action": "explode"},
        {"tickets": "9" * 40, "action": "kind", "value": "nonsense"},
    ],
)
def test_bulk_garbage_is_refused_in_words(signed_in, payload):
    response = signed_in.post("/desk/tickets/bulk/", payload, follow=True)
    assert response.status_code == 200


def test_forms_are_protected_against_cross_site_requests(agent, blob_store):
    ticket = ingest(blob_store, message_id="a@x.fr")
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    response = client.post(f"/desk/tickets/{ticket.pk}/note/", {"body": "x"})
    assert response.status_code == 403


def test_preferences_set_the_interface_language_and_time_zone(signed_in):
    signed_in.post(
        "/desk/preferences/",
        {"ui_language": "fr", "time_zone": "America/Montreal", "signature": "C."},
    )
    page = signed_in.get("/desk/inbox/mine/")
    assert "Tous ouverts" in page.content.decode() or page.wsgi_request.LANGUAGE_CODE == "fr"


def test_correcting_the_kind_moves_the_first_response_target(client, make_staff, blob_store):
    from answerdesk.sla.models import SlaPolicy

    SlaPolicy.objects.create(kind="complaint", first_response_hours=4)
    client.force_login(make_staff("supervisor", "sofia"))
    ticket = ingest(blob_store, message_id="a@x.fr")
    assert ticket.kind != "complaint"
    before = ticket.due_at
    assert before is not None

    client.post(f"/desk/tickets/{ticket.pk}/correct/", {"kind": "complaint"})

    ticket.refresh_from_db()
    assert ticket.kind == "complaint"
    assert ticket.due_at is not None
    assert ticket.due_at < before


def test_search_finds_tickets_with_a_snippet_and_respects_access(signed_in, make_staff, blob_store):
    mine = ingest(blob_store, message_id="a@x.fr", body="Bonjour, ma lampe Opaline grésille.\r\n")
    hidden = ingest(blob_store, message_id="b@x.fr", sender="b@y.fr", body="Opaline aussi.\r\n")
    Ticket.objects.filter(pk=hidden.pk).update(assignee=make_staff("agent", "hugo"))

    page = signed_in.get("/desk/search/", {"q": "opaline gresille"})

    assert [t.pk for t in page.context["page"]] == [mine.pk]
    assert "grésille" in page.content.decode()
    assert signed_in.get("/desk/search/", {"q": '\x00 AND ("*'}).status_code == 200


def test_pages_keep_the_order_and_bring_contacts_and_assignees(
    signed_in, agent, django_assert_num_queries
):
    """Inbox and search pages read the page's ticket ids in order, then those tickets with
    their contact and assignee (desk.paging)."""
    now = timezone.now()
    contact = Contact.objects.create(name="Zoé Lampion")
    tickets = Ticket.objects.bulk_create(
        Ticket(
            subject=f"Lampe {n}",
            channel="email",
            contact=contact,
            assignee=agent if n % 3 else None,
            priority=1 + n % 4,
            due_at=now + dt.timedelta(hours=n % 7),
            created_at=now - dt.timedelta(minutes=n),
        )
        for n in range(60)
    )
    Message.objects.bulk_create(
        Message(
            ticket=t,
            direction=Message.Direction.INBOUND,
            channel="email",
            message_id=f"m{t.pk}@x.fr",
            subject=t.subject,
            text="lampe " * (1 + t.pk % 5),
            sent_at=now,
        )
        for t in tickets
    )
    # Priority first, then due first, then the oldest ticket.
    by_priority = sorted(tickets, key=lambda t: (-t.priority, t.due_at, t.pk))
    ranked = search_tickets("lampe", visible_tickets(agent)).values_list("pk", flat=True)

    for url, expected in (
        ("/desk/inbox/open/?sort=priority", [t.pk for t in by_priority]),
        ("/desk/search/?q=lampe", list(ranked)),
    ):
        queries = []
        for number, shown in ((1, expected[:50]), (2, expected[50:])):
            with CaptureQueriesContext(connection) as captured:
                page = signed_in.get(f"{url}&page={number}")
            queries.append(len(captured))

            rows = list(page.context["page"])
            assert [t.pk for t in rows] == shown, (url, number)
            with django_assert_num_queries(0):
                assert {t.contact.name for t in rows} == {"Zoé Lampion"}
                assert {t.assignee for t in rows} == {agent, None}
            assert "Zoé Lampion" in page.content.decode()
        assert queries[0] == queries[1], url  # 50 rows or 10: no query per row


def test_only_a_supervisor_merges(signed_in, blob_store):
    first = ingest(blob_store, message_id="a@x.fr")
    second = ingest(blob_store, message_id="b@x.fr", subject="Encore moi")

    response = signed_in.post(
        f"/desk/tickets/{second.pk}/merge/", {"into": first.reference}, follow=True
    )

    second.refresh_from_db()
    assert second.merged_into is None
    assert "Only a supervisor may merge" in response.content.decode()
