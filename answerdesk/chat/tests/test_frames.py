"""Frames: what parses, what is refused and why, and that nothing else can happen."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from answerdesk.chat.frames import (
    AGENT_TYPES,
    LEAVE_MAX_CHARS,
    MAX_FRAME_CHARS,
    VISITOR_TYPES,
    ChatAction,
    ErrorCode,
    FrameError,
    Hello,
    LeaveMessage,
    Line,
    Ping,
    Start,
    Typing,
    parse_frame,
)

MAX = 2000


def visitor(frame: object) -> object:
    return parse_frame(json.dumps(frame), allowed=VISITOR_TYPES, max_chars=MAX, agent=False)


def agent(frame: object) -> object:
    return parse_frame(json.dumps(frame), allowed=AGENT_TYPES, max_chars=MAX, agent=True)


def refusal(parse, frame: object) -> FrameError:
    with pytest.raises(FrameError) as caught:
        parse(frame)
    return caught.value


def test_every_kind_of_visitor_frame_parses():
    token = "a" * 43
    assert visitor({"type": "hello", "token": token, "language": "fr-FR"}) == Hello(token, "fr")
    assert visitor(
        {
            "type": "start",
            "name": " Marie\nDupont ",
            "email": "Marie@Example.FR",
            "text": " Bonjour ",
            "ref": 7,
        }
    ) == Start("Marie Dupont", "marie@example.fr", "Bonjour", "7")
    assert visitor({"type": "message", "text": "Où est ma commande ?", "ref": "r1"}) == Line(
        "Où est ma commande ?", "r1", None
    )
    assert visitor({"type": "typing", "on": True}) == Typing(True, None)
    assert visitor({"type": "typing", "on": "yes"}) == Typing(False, None)
    assert visitor(
        {"type": "leave_message", "email": "a@b.fr", "subject": "Devis", "text": "Bonjour"}
    ) == LeaveMessage("", "a@b.fr", "Devis", "Bonjour")
    assert visitor({"type": "end"}) == ChatAction("end", None)
    assert visitor({"type": "ping"}) == Ping()


def test_a_visitor_cannot_name_another_chat():
    # Visitors write to the chat their token bound; a chat id in their frame means nothing.
    assert visitor({"type": "message", "text": "hi", "chat": 12}) == Line("hi", "", None)


def test_agent_frames_name_their_chat():
    assert agent({"type": "open", "chat": 3}) == ChatAction("open", 3)
    assert agent({"type": "message", "chat": 3, "text": "Bonjour"}) == Line("Bonjour", "", 3)
    for bad in (None, 0, -1, True, "3", 2**53, 1.5):
        assert refusal(agent, {"type": "take", "chat": bad}).code == ErrorCode.BAD_FIELD


def test_each_side_has_its_own_vocabulary():
    assert refusal(visitor, {"type": "take", "chat": 1}).code == ErrorCode.UNKNOWN_TYPE
    assert refusal(agent, {"type": "start", "email": "a@b.fr", "text": "x"}).code == (
        ErrorCode.UNKNOWN_TYPE
    )
    assert refusal(visitor, {"type": ["message"]}).code == ErrorCode.UNKNOWN_TYPE


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (None, ErrorCode.NOT_JSON),
        ("", ErrorCode.NOT_JSON),
        ("{'type': 'ping'}", ErrorCode.NOT_JSON),
        ("[1, 2]", ErrorCode.NOT_OBJECT),
        ('"ping"', ErrorCode.NOT_OBJECT),
        ("[" * 100_000, ErrorCode.TOO_LARGE),
        ("[" * 50_000, ErrorCode.NOT_JSON),  # too deep for the parser: refused, not a crash
        ('{"type": "ping", "n": ' + "9" * 5000 + "}", ErrorCode.NOT_JSON),
    ],
)
def test_what_is_not_a_frame(text, code):
    with pytest.raises(FrameError) as caught:
        parse_frame(text, allowed=VISITOR_TYPES, max_chars=MAX, agent=False)
    assert caught.value.code == code


def test_texts_are_cleaned_and_bounded():
    line = visitor({"type": "message", "text": "a\r\nb\x00\x07c\ud800"})
    assert isinstance(line, Line)
    assert line.text == "a\nbc\ufffd"
    too_long = refusal(visitor, {"type": "message", "text": "x" * (MAX + 1), "ref": "r9"})
    assert (too_long.code, too_long.limit, too_long.ref) == (ErrorCode.TOO_LONG, MAX, "r9")
    assert refusal(visitor, {"type": "message", "text": " \n\t "}).code == ErrorCode.EMPTY
    assert refusal(visitor, {"type": "message", "text": 5}).code == ErrorCode.BAD_FIELD
    left = refusal(
        visitor, {"type": "leave_message", "email": "a@b.fr", "text": "x" * (LEAVE_MAX_CHARS + 1)}
    )
    assert (left.code, left.limit) == (ErrorCode.TOO_LONG, LEAVE_MAX_CHARS)


def test_a_script_is_just_text():
    # Stored and relayed as the visitor typed it; pages put it in with textContent.
    script = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    line = visitor({"type": "message", "text": script})
    assert isinstance(line, Line)
    assert line.text == script


@pytest.mark.parametrize("email", ["", "marie", "marie@", "a@b", "<a@b.fr>", "a@b.fr\nBcc: c@d.fr"])
def test_an_address_that_is_no_address_is_refused(email):
    refused = refusal(visitor, {"type": "start", "email": email, "text": "Bonjour"})
    assert refused.code == ErrorCode.BAD_EMAIL


def test_a_garbled_token_is_no_token():
    assert visitor({"type": "hello", "token": "../../etc"}) == Hello("", "")
    assert visitor({"type": "hello", "token": 42, "language": "<b>"}) == Hello("", "")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_parses_or_is_refused_with_a_code(text):
    codes = []
    for allowed, is_agent in ((VISITOR_TYPES, False), (AGENT_TYPES, True)):
        try:
            parse_frame(text, allowed=allowed, max_chars=MAX, agent=is_agent)
        except FrameError as refused:  # anything else fails the test
            codes.append(refused.code)
    assert all(code in ErrorCode for code in codes)


@settings(max_examples=500, deadline=None)
@given(
    st.sampled_from(sorted(VISITOR_TYPES | AGENT_TYPES)),
    st.dictionaries(
        st.sampled_from(
            ["text", "email", "name", "chat", "on", "token", "ref", "subject", "language"]
        ),
        json_values,
    ),
)
def test_any_object_of_a_known_type_parses_or_is_refused_with_a_code(kind, fields):
    text = json.dumps({**fields, "type": kind})
    codes = []
    for allowed, is_agent in ((VISITOR_TYPES, False), (AGENT_TYPES, True)):
        try:
            frame = parse_frame(text, allowed=allowed, max_chars=MAX, agent=is_agent)
        except FrameError as refused:  # anything else fails the test
            codes.append(refused.code)
            continue
        for value in getattr(frame, "__slots__", ()):
            attribute = getattr(frame, value)
            if isinstance(attribute, str):
                # Whatever comes out can be encoded for the database and for the socket.
                attribute.encode("utf-8")
                assert len(attribute) <= max(MAX, LEAVE_MAX_CHARS)
    assert all(code in ErrorCode for code in codes)


def test_the_frame_size_limit_leaves_room_for_escaped_text():
    text = json.dumps({"type": "leave_message", "email": "a@b.fr", "text": "é" * LEAVE_MAX_CHARS})
    assert len(text) <= MAX_FRAME_CHARS
