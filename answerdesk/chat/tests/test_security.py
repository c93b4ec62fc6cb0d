"""Who may open which socket and read which chat, and what bad input gets back: an error
frame in the sender's language, never a crash, never another visitor's words."""

from __future__ import annotations

import json
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.utils import translation
from django.utils.translation import gettext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from answerdesk.chat.models import ChatSession
from answerdesk.chat.routing import origin_allowed
from answerdesk.chat.tests.sockets import AGENT, Socket
from answerdesk.tickets.models import Message, Ticket

TOO_LONG = "That message is too long: at most %(n)d characters."

# Transactional: the consumers' database calls (channels' among them) close connections
# that are inside a transaction, which on PostgreSQL would end the test's own.
pytestmark = pytest.mark.django_db(transaction=True)


def run(scenario: Any) -> Any:
    return async_to_sync(scenario)()


def in_french(text: str) -> str:
    with translation.override("fr"):
        return gettext(text)


async def started(socket: Socket, email: str, text: str) -> dict[str, Any]:
    assert (await socket.connect())[0]
    await socket.hello()
    await socket.send_frame(type="start", email=email, text=text)
    return await socket.expect("started")


# --- origins -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("origin", "host", "embeddable", "allowed"),
    [
        ("http://testserver", "testserver", False, True),  # the site's own page
        ("https://support.example.com", "support.example.com", False, True),
        ("http://testserver", "other.host", False, True),  # the public address
        ("https://shop.example.com", "testserver", True, True),  # listed: may embed
        ("https://shop.example.com", "testserver", False, False),  # but agents: never
        ("https://evil.example.net", "testserver", True, False),
        ("https://testserver.evil.example.net", "testserver", True, False),
        ("", "testserver", True, False),  # no Origin: no browser page
        ("null", "testserver", True, False),  # a sandboxed frame or a file
        ("file://", "testserver", True, False),
    ],
)
def test_which_pages_may_open_a_socket(settings, origin, host, embeddable, allowed):
    assert origin_allowed(origin, host, embeddable=embeddable) is allowed


def test_any_site_may_embed_when_the_setting_says_so(settings):
    settings.ANSWERDESK_CHAT_ALLOWED_ORIGINS = ["*"]
    assert origin_allowed("https://anyone.example", "testserver", embeddable=True)
    assert not origin_allowed("https://anyone.example", "testserver", embeddable=False)


def test_handshakes_from_other_sites_are_refused(db, make_staff, agent_cookie):
    cookie = agent_cookie(make_staff("supervisor", "sofia"))

    async def scenario() -> dict[str, Any]:
        return {
            "evil_visitor": await Socket(origin=b"https://evil.example.net").connect(),
            "no_origin": await Socket(origin=None).connect(),
            "shop_visitor": await Socket(origin=b"https://shop.example.com").connect(),
            # An agent's cookies from another site's page (cross-site websocket hijacking).
            "shop_agent": await Socket(
                AGENT, origin=b"https://shop.example.com", cookie=cookie
            ).connect(),
            "site_agent": await Socket(AGENT, cookie=cookie).connect(),
        }

    seen = run(scenario)
    assert seen["evil_visitor"][0] is False
    assert seen["no_origin"][0] is False
    assert seen["shop_visitor"][0] is True
    assert seen["shop_agent"][0] is False
    assert seen["site_agent"][0] is True


# --- agents ------------------------------------------------------------------------------------


def test_only_staff_with_a_desk_role_get_the_agent_socket(db, django_user_model, agent_cookie):
    customer = django_user_model.objects.create_user("mallory", "m@example.com", "password")
    cookie = agent_cookie(customer)

    async def scenario() -> dict[str, Any]:
        return {
            "anonymous": await Socket(AGENT).connect(),
            "no_role": await Socket(AGENT, cookie=cookie).connect(),
            "forged": await Socket(AGENT, cookie=b"sessionid=0123456789abcdef").connect(),
        }

    seen = run(scenario)
    assert seen == {"anonymous": (False, 4403), "no_role": (False, 4403), "forged": (False, 4403)}


def test_an_agent_cannot_open_or_write_to_a_chat_taken_by_another(db, make_staff, agent_cookie):
    camille = make_staff("agent", "camille")
    lucas = make_staff("agent", "lucas")
    sofia = make_staff("supervisor", "sofia")
    cookies = {u.username: agent_cookie(u) for u in (camille, lucas, sofia)}

    async def scenario() -> dict[str, Any]:
        visitor = Socket()
        chat = (await started(visitor, "tom@example.com", "Do you ship to Spain?"))["chat"]
        sockets = {name: Socket(AGENT, cookie=cookie) for name, cookie in cookies.items()}
        lists = {}
        for name, socket in sockets.items():
            await socket.connect()
            lists[name] = await socket.expect("chats")
        await sockets["camille"].send_frame(type="take", chat=chat)
        # Lucas's list loses the chat; the supervisor's keeps it.
        unlisted = await sockets["lucas"].expect("unlisted")
        kept = await sockets["sofia"].expect("listed", where=lambda f: f["chat"]["assignee"])
        await sockets["lucas"].send_frame(type="open", chat=chat)
        lucas_open = await sockets["lucas"].expect("error")
        await sockets["lucas"].send_frame(type="message", chat=chat, text="Hi, Lucas here", ref="x")
        lucas_write = await sockets["lucas"].expect("error")
        await sockets["lucas"].send_frame(type="open", chat=chat + 1000)
        missing = await sockets["lucas"].expect("error")
        await sockets["sofia"].send_frame(type="open", chat=chat)
        sofia_open = await sockets["sofia"].expect("transcript")
        for socket in [visitor, *sockets.values()]:
            await socket.disconnect()
        return locals()

    seen = run(scenario)
    # Waiting and unassigned: every agent sees it.
    assert [[c["chat"] for c in f["chats"]] for f in seen["lists"].values()] == [[seen["chat"]]] * 3
    assert seen["unlisted"]["chat"] == seen["chat"]
    assert seen["kept"]["chat"]["agent"] == "camille"
    assert seen["lucas_open"]["code"] == "no_chat"
    assert seen["lucas_write"]["code"] == "no_chat"
    assert seen["lucas_write"]["ref"] == "x"
    assert seen["missing"]["code"] == "no_chat"
    assert seen["sofia_open"]["lines"][0]["text"] == "Do you ship to Spain?"
    assert not Message.objects.filter(text="Hi, Lucas here").exists()


# --- visitors ----------------------------------------------------------------------------------


def test_a_visitor_never_reads_another_visitors_chat(db, make_staff, agent_cookie):
    cookie = agent_cookie(make_staff("agent", "camille"))

    async def scenario() -> dict[str, Any]:
        agent = Socket(AGENT, cookie=cookie)
        await agent.connect()
        alice, bob = Socket(client="198.51.100.1"), Socket(client="198.51.100.2")
        alice_started = await started(alice, "alice@example.com", "My secret order 1234")
        await alice.expect("line")
        bob_started = await started(bob, "bob@example.com", "Hello")
        await bob.expect("line")
        # Bob names Alice's chat: his frames go to his own chat all the same.
        await bob.send_frame(type="message", text="Let me in", chat=alice_started["chat"])
        bob_line = await bob.expect("line")
        # Bob tries tokens: a guess and Alice's chat id; neither is Alice's token.
        intruder = Socket(client="198.51.100.3")
        await intruder.connect()
        guessed = await intruder.hello(token="A" * 43)
        by_id = await intruder.hello(token=str(alice_started["chat"]) * 20)
        await agent.send_frame(type="message", chat=alice_started["chat"], text="Alice only")
        await alice.expect("line", where=lambda f: f["line"]["text"] == "Alice only")
        # Nothing of Alice's reaches Bob or the intruder.
        leaks = []
        for socket in (bob, intruder):
            while not await socket.quiet(0.2):
                leaks.append(await socket.receive_json_from())
        for socket in (agent, alice, bob, intruder):
            await socket.disconnect()
        return locals()

    seen = run(scenario)
    assert seen["bob_line"]["line"]["chat"] == seen["bob_started"]["chat"]
    assert seen["guessed"]["chat"] is None
    assert seen["guessed"]["forget"] is True
    assert seen["by_id"]["chat"] is None
    assert not [f for f in seen["leaks"] if "Alice" in json.dumps(f) or "1234" in json.dumps(f)]
    alice_ticket = ChatSession.objects.get(pk=seen["alice_started"]["chat"]).ticket
    assert list(alice_ticket.messages.values_list("text", flat=True).order_by("pk")) == [
        "My secret order 1234",
        "Alice only",
    ]


def test_bad_frames_get_an_error_in_the_visitors_language_and_the_socket_stays(db):
    async def scenario() -> dict[str, Any]:
        visitor = Socket()
        await started(visitor, "marie@example.fr", "Bonjour")
        await visitor.send_frame(type="hello", language="fr")
        await visitor.expect("welcome")
        replies = {}
        for name, text in {
            "not_json": "{type: message",
            "not_object": "[]",
            "unknown": json.dumps({"type": "drop_tables"}),
            "too_long": json.dumps({"type": "message", "text": "x" * 2001, "ref": "r5"}),
            "too_large": "x" * 70_000,
            "empty": json.dumps({"type": "message", "text": "   "}),
        }.items():
            await visitor.send_raw(text)
            replies[name] = await visitor.expect("error")
        await visitor.send_raw(data=b"\x00\xff binary")
        replies["binary"] = await visitor.expect("error")
        await visitor.send_frame(type="ping")
        pong = await visitor.expect("pong")
        await visitor.disconnect()
        return locals()

    seen = run(scenario)
    replies = seen["replies"]
    assert {name: r["code"] for name, r in replies.items()} == {
        "not_json": "not_json",
        "not_object": "not_object",
        "unknown": "unknown_type",
        "too_long": "too_long",
        "too_large": "too_large",
        "empty": "empty",
        "binary": "not_json",
    }
    assert replies["too_long"]["ref"] == "r5"
    assert replies["too_long"]["message"] == in_french(TOO_LONG) % {"n": 2000}
    assert seen["pong"] == {"type": "pong"}
    assert Message.objects.count() == 1  # only the first line


def test_a_refusal_reads_in_english_or_in_french(db):
    async def scenario(language: str) -> dict[str, Any]:
        visitor = Socket()
        await visitor.connect()
        await visitor.hello(language=language)
        await visitor.send_frame(type="message", text="x" * 2001)
        refused = await visitor.expect("error")
        await visitor.disconnect()
        return refused

    english = async_to_sync(scenario)("en")
    french = async_to_sync(scenario)("fr")
    assert english["message"] == "That message is too long: at most 2000 characters."
    # In the French catalogue's words (regenerated with the release, so compared with
    # whatever it says for this text today).
    assert french["message"] == in_french(TOO_LONG) % {"n": 2000}
    assert french["message"] != english["message"]


def test_a_flood_is_refused_with_a_clear_message_and_nothing_past_the_limit_is_kept(db, settings):
    settings.ANSWERDESK_CHAT_LINES_PER_MINUTE = 6

    async def scenario() -> dict[str, Any]:
        visitor = Socket()
        await started(visitor, "flood@example.com", "first")
        await visitor.expect("line")
        for n in range(40):
            await visitor.send_frame(type="message", text=f"spam {n}", ref=f"s{n}")
        frames = []
        while not await visitor.quiet(0.3):
            frames.append(await visitor.receive_json_from())
        await visitor.send_frame(type="ping")
        pong = await visitor.expect("pong")
        await visitor.disconnect()
        return locals()

    seen = run(scenario)
    refusals = [f for f in seen["frames"] if f["type"] == "error"]
    accepted = [f for f in seen["frames"] if f["type"] == "line"]
    assert refusals
    assert refusals[0]["code"] == "rate_limited"
    assert "too fast" in refusals[0]["message"]
    # The burst of 10 per connection, and not one line more.
    assert len(accepted) == 10
    assert Message.objects.count() == 11
    assert seen["pong"]["type"] == "pong"


def test_one_network_cannot_open_chats_without_end(db, settings):
    settings.ANSWERDESK_CHAT_IP_CHATS_PER_HOUR = 2
    settings.ANSWERDESK_CHAT_IP_CONNECTIONS = 3

    async def scenario() -> list[dict[str, Any]]:
        results = []
        sockets = []
        for n in range(4):
            socket = Socket(client="192.0.2.9")
            sockets.append(socket)
            await socket.connect()
            if n == 3:
                results.append(await socket.expect("error"))
                break
            await socket.hello()
            await socket.send_frame(type="start", email=f"v{n}@example.com", text="hello")
            results.append(await socket.receive_json_from())
        return results

    results = run(scenario)
    assert [r["type"] for r in results[:2]] == ["started", "started"]
    assert results[2]["code"] == "too_many_chats"
    assert results[3]["code"] == "too_many_connections"
    assert Ticket.objects.count() == 2


frames = st.one_of(
    st.text(max_size=200),
    st.binary(max_size=50).map(lambda b: b.decode("latin-1")),
    st.builds(
        lambda kind, fields: json.dumps({**fields, "type": kind}),
        st.sampled_from(["message", "typing", "start", "end", "hello", "leave_message", "open"]),
        st.dictionaries(
            st.sampled_from(["text", "email", "chat", "on", "token", "ref", "language"]),
            st.none()
            | st.booleans()
            | st.integers()
            | st.text(max_size=30)
            | st.lists(st.integers()),
            max_size=4,
        ),
    ),
)


def test_garbage_frames_never_break_the_socket(db):
    """Hypothesis throws anything at a visitor socket inside a chat: each frame gets at most
    an answer, the socket stays open (a ping still gets its pong), no other chat is touched."""
    with_others = Ticket.objects.count()

    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(st.lists(frames, min_size=1, max_size=4))
    def throw(garbage: list[str]) -> None:
        async def scenario() -> None:
            visitor = Socket(client="192.0.2.77")
            assert (await visitor.connect())[0]
            for text in garbage:
                await visitor.send_raw(text if text else " ")
            await visitor.send_frame(type="ping")
            await visitor.expect("pong", timeout=5)
            await visitor.disconnect()

        async_to_sync(scenario)()

    throw()
    # Chats a garbage "start" may have opened are the sender's own; none was lost or mixed.
    for ticket in Ticket.objects.all()[with_others:]:
        assert ticket.channel == "chat"
