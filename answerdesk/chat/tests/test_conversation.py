"""A visitor and an agent chat through the consumers: lines stored before they are relayed,
asks read, presence and typing both ways, the transcript in the customer's history."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync

from answerdesk.chat.models import ChatConnection, ChatSession
from answerdesk.chat.tests.sockets import AGENT, Socket
from answerdesk.tickets.actions import customer_history
from answerdesk.tickets.models import Channel, Contact, ContactAddress, Message, Ticket

QUESTION_FR = "Bonjour, ma commande 4512 n'est pas arrivée. Quand sera-t-elle livrée ?"
FOLLOW_UP_FR = "Et puis-je payer en trois fois ?"
ANSWER_FR = "Bonjour Marie, elle sera livrée jeudi, et oui, le paiement en trois fois est possible."

# Transactional: the consumers' database calls (channels' among them) close connections
# that are inside a transaction, which on PostgreSQL would end the test's own.
pytestmark = pytest.mark.django_db(transaction=True)


def run(scenario: Any) -> Any:
    return async_to_sync(scenario)()


@pytest.fixture
def camille(make_staff: Any) -> Any:
    return make_staff("agent", "camille", first_name="Camille")


@pytest.fixture
def known_customer(db: None) -> Contact:
    """Marie wrote by email before: the chat must join her history."""
    contact = Contact.objects.create(name="Marie Dupont")
    ContactAddress.objects.create(contact=contact, email="marie@example.fr")
    Ticket.objects.create(subject="Facture", contact=contact, channel=Channel.EMAIL)
    return contact


def test_a_visitor_and_an_agent_talk_and_every_line_is_kept(camille, known_customer, agent_cookie):
    cookie = agent_cookie(camille)

    async def scenario() -> dict[str, Any]:
        agent = Socket(AGENT, cookie=cookie)
        assert (await agent.connect())[0]
        assert (await agent.expect("chats"))["chats"] == []
        visitor = Socket()
        assert (await visitor.connect())[0]
        welcome = await visitor.hello(language="fr")
        await visitor.send_frame(
            type="start", name="Marie Dupont", email="Marie@Example.fr", text=QUESTION_FR, ref="r1"
        )
        started = await visitor.expect("started")
        own_first = await visitor.expect("line")
        listed = await agent.expect("listed")
        chat = listed["chat"]["chat"]
        await agent.send_frame(type="open", chat=chat)
        transcript = await agent.expect("transcript")

        await visitor.send_frame(type="typing", on=True)
        agent_typing = await agent.expect("typing")
        await visitor.send_frame(type="message", text=FOLLOW_UP_FR, ref="r2")
        at_agent = await agent.expect("line")
        await visitor.expect("line")

        await agent.send_frame(type="typing", chat=chat, on=True)
        visitor_typing = await visitor.expect("typing")
        await agent.send_frame(type="message", chat=chat, text=ANSWER_FR, ref="a1")
        at_visitor = await visitor.expect("line")
        joined = [f for f in visitor.skipped if f["type"] == "joined"]
        await visitor.disconnect()
        gone = await agent.expect("listed", where=lambda f: not f["chat"]["visitor_online"])
        await agent.disconnect()
        return locals()

    seen = run(scenario)
    assert seen["welcome"]["agents_online"] is True
    assert seen["welcome"]["chat"] is None
    assert len(seen["started"]["token"]) >= 40
    assert seen["own_first"]["line"]["ref"] == "r1"
    assert "asks" not in seen["own_first"]["line"]
    # The agent sees the first question and its asks when opening the chat.
    assert seen["transcript"]["lines"][0]["text"] == QUESTION_FR
    assert seen["transcript"]["lines"][0]["asks"]
    assert seen["transcript"]["chat"]["visitor_online"] is True
    assert seen["agent_typing"] == {"type": "typing", "chat": seen["chat"], "on": True}
    assert seen["at_agent"]["line"]["text"] == FOLLOW_UP_FR
    assert seen["at_agent"]["line"]["asks"] == [FOLLOW_UP_FR]
    assert seen["visitor_typing"] == {"type": "typing", "on": True, "name": "Camille"}
    assert seen["at_visitor"]["line"]["text"] == ANSWER_FR
    assert seen["at_visitor"]["line"]["name"] == "Camille"
    assert "asks" not in seen["at_visitor"]["line"]
    # Answering a waiting chat took it: the visitor heard who joined, before the answer.
    assert [f["name"] for f in seen["joined"]] == ["Camille"]
    assert seen["gone"]["chat"]["chat"] == seen["chat"]

    # Stored: one ticket on the chat channel, for Marie's existing contact, its lines in order.
    session = ChatSession.objects.get()
    ticket = session.ticket
    assert ticket.channel == Channel.CHAT
    assert ticket.contact_id == known_customer.pk
    assert ticket.assignee_id == camille.pk
    assert ticket.first_response_at is not None
    assert ticket.language == "fr"
    lines = list(ticket.messages.order_by("sent_at", "pk"))
    assert [(m.direction, m.text) for m in lines] == [
        (Message.Direction.INBOUND, QUESTION_FR),
        (Message.Direction.INBOUND, FOLLOW_UP_FR),
        (Message.Direction.OUTBOUND, ANSWER_FR),
    ]
    assert {m.channel for m in lines} == {Channel.CHAT}
    assert len({m.message_id for m in lines}) == 3
    assert lines[0].from_email == "marie@example.fr"
    assert lines[2].author_id == camille.pk
    assert lines[1].asks[0]["text"] == FOLLOW_UP_FR
    assert [t.subject for t in customer_history(ticket)] == ["Facture"]
    kinds = list(ticket.events.values_list("kind", flat=True))
    assert kinds[0] == "created"
    assert "assigned" in kinds
    assert "replied" in kinds
    # Nobody is left connected.
    assert not ChatConnection.objects.exists()
    assert session.token_hash != seen["started"]["token"]


def test_agent_presence_reaches_the_widget(camille, agent_cookie, db):
    cookie = agent_cookie(camille)

    async def scenario() -> dict[str, Any]:
        visitor = Socket()
        await visitor.connect()
        before = await visitor.hello()
        agent = Socket(AGENT, cookie=cookie)
        await agent.connect()
        arrived = await visitor.expect("presence")
        await agent.disconnect()
        left = await visitor.expect("presence")
        await visitor.disconnect()
        return locals()

    seen = run(scenario)
    assert seen["before"]["agents_online"] is False
    assert seen["arrived"]["agents_online"] is True
    assert seen["left"]["agents_online"] is False


def test_the_visitor_comes_back_to_their_chat_on_another_page(camille, agent_cookie, db):
    cookie = agent_cookie(camille)

    async def scenario() -> dict[str, Any]:
        agent = Socket(AGENT, cookie=cookie)
        await agent.connect()
        first_page = Socket()
        await first_page.connect()
        await first_page.hello()
        await first_page.send_frame(type="start", email="tom@example.com", text="Hello there")
        token = (await first_page.expect("started"))["token"]
        await first_page.disconnect()
        second_page = Socket()
        await second_page.connect()
        back = await second_page.hello(token=token)
        await second_page.send_frame(type="message", text="Still here?")
        line = await second_page.expect("line")
        await second_page.send_frame(type="end")
        ended = await second_page.expect("ended")
        third_page = Socket()
        await third_page.connect()
        after_end = await third_page.hello(token=token)
        await third_page.send_frame(type="message", text="Hello?")
        refused = await third_page.expect("error")
        for socket in (second_page, third_page, agent):
            await socket.disconnect()
        return locals()

    seen = run(scenario)
    assert [line["text"] for line in seen["back"]["chat"]["lines"]] == ["Hello there"]
    assert seen["back"]["chat"]["status"] == "waiting"
    assert seen["line"]["line"]["text"] == "Still here?"
    assert seen["after_end"]["chat"]["status"] == "ended"
    assert seen["refused"]["code"] == "no_chat"
    # Ended on the customer's words: the ticket still owes an answer, by email.
    ticket = ChatSession.objects.get().ticket
    assert ticket.status == Ticket.Status.NEW
    assert ticket.messages.count() == 2


def test_an_agent_ends_an_answered_chat_and_the_ticket_is_solved(camille, agent_cookie, db):
    cookie = agent_cookie(camille)

    async def scenario() -> dict[str, Any]:
        agent = Socket(AGENT, cookie=cookie)
        await agent.connect()
        visitor = Socket()
        await visitor.connect()
        await visitor.hello()
        await visitor.send_frame(
            type="start", email="tom@example.com", text="Do you ship to Spain?"
        )
        chat = (await agent.expect("listed"))["chat"]["chat"]
        await agent.send_frame(type="take", chat=chat)
        await agent.expect("listed")
        await agent.send_frame(type="message", chat=chat, text="Yes, in three days.")
        await agent.expect("line")
        await agent.send_frame(type="end", chat=chat)
        at_agent = await agent.expect("ended")
        at_visitor = await visitor.expect("ended")
        await visitor.disconnect()
        await agent.disconnect()
        return locals()

    seen = run(scenario)
    assert seen["at_agent"] == {"type": "ended", "chat": seen["chat"]}
    ticket = ChatSession.objects.get().ticket
    assert ticket.status == Ticket.Status.SOLVED
    assert ChatSession.objects.get().status == ChatSession.Status.ENDED
