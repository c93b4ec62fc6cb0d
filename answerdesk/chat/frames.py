"""What a websocket frame may say: JSON objects with a "type", checked field by field.

Pure functions (no database, no I/O), so that every kind of garbage can be thrown at them
(tests/test_frames.py). A frame that does not parse raises FrameError with a code; the
consumer answers it with an error frame and keeps the connection.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

# Past this a frame is not even parsed. A message left for later may be longer than a chat
# line (LEAVE_MAX_CHARS), and JSON may spell every character as a six-character \u escape.
LEAVE_MAX_CHARS = 10_000
MAX_FRAME_CHARS = 6 * LEAVE_MAX_CHARS + 1024
MAX_NAME_CHARS = 200
MAX_SUBJECT_CHARS = 200
MAX_REF_CHARS = 40
# Chat ids go through JavaScript numbers: keep them exact there.
MAX_ID = 2**53 - 1

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# A lone surrogate ("\ud800" is valid JSON) cannot be encoded to UTF-8 for the database.
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_ONE_LINE = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,100}")
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*")


class ErrorCode(StrEnum):
    TOO_LARGE = "too_large"
    NOT_JSON = "not_json"
    NOT_OBJECT = "not_object"
    UNKNOWN_TYPE = "unknown_type"
    BAD_FIELD = "bad_field"
    TOO_LONG = "too_long"
    EMPTY = "empty"
    BAD_EMAIL = "bad_email"


class FrameError(ValueError):
    """`ref` names the line refused (the sender's own id for it); `limit` is the length
    a too-long text may not pass."""

    def __init__(self, code: ErrorCode, field: str = "", ref: str = "", limit: int = 0) -> None:
        super().__init__(f"{code}{f' ({field})' if field else ''}")
        self.code, self.field, self.ref, self.limit = code, field, ref, limit


@dataclass(frozen=True, slots=True)
class Hello:
    """The widget (re)connects: with the token of its chat, if it has one."""

    token: str
    language: str


@dataclass(frozen=True, slots=True)
class Start:
    name: str
    email: str
    text: str
    ref: str


@dataclass(frozen=True, slots=True)
class Line:
    """A chat line; `chat` is given by agents (who follow several chats), never by visitors."""

    text: str
    ref: str
    chat: int | None


@dataclass(frozen=True, slots=True)
class Typing:
    on: bool
    chat: int | None


@dataclass(frozen=True, slots=True)
class LeaveMessage:
    """No agent online: a message that becomes an ordinary ticket."""

    name: str
    email: str
    subject: str
    text: str


@dataclass(frozen=True, slots=True)
class ChatAction:
    """An agent opens (follows), closes, takes or ends a chat; a visitor ends theirs."""

    action: str
    chat: int | None


@dataclass(frozen=True, slots=True)
class Ping:
    pass


Frame = Hello | Start | Line | Typing | LeaveMessage | ChatAction | Ping

VISITOR_TYPES = frozenset({"hello", "start", "message", "typing", "leave_message", "end", "ping"})
AGENT_TYPES = frozenset({"open", "close", "take", "message", "typing", "end", "ping"})


def clean_text(text: str) -> str:
    """The visitor's text as stored: one kind of line break, no control characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _SURROGATE.sub("\ufffd", _CONTROL.sub("", text)).strip()


def one_line(text: str) -> str:
    return _SURROGATE.sub("\ufffd", _ONE_LINE.sub(" ", text)).strip()


def _string(obj: dict[str, Any], key: str, *, required: bool = True) -> str:
    value = obj.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise FrameError(ErrorCode.BAD_FIELD, key)
    return value


def _text(obj: dict[str, Any], key: str, limit: int, ref: str = "") -> str:
    text = clean_text(_string(obj, key))
    if not text:
        raise FrameError(ErrorCode.EMPTY, key, ref)
    if len(text) > limit:
        raise FrameError(ErrorCode.TOO_LONG, key, ref, limit)
    return text


def _name(obj: dict[str, Any]) -> str:
    return one_line(_string(obj, "name", required=False))[:MAX_NAME_CHARS]


def _email(obj: dict[str, Any]) -> str:
    email = one_line(_string(obj, "email")).lower()
    try:
        validate_email(email)
    except ValidationError:
        raise FrameError(ErrorCode.BAD_EMAIL, "email") from None
    if len(email) > 320:
        raise FrameError(ErrorCode.BAD_EMAIL, "email")
    return email


def _ref(obj: dict[str, Any]) -> str:
    """The widget's own id for a line, echoed back so it can mark that line sent or not."""
    ref = obj.get("ref", "")
    if not isinstance(ref, str | int) or isinstance(ref, bool):
        return ""
    return one_line(str(ref))[:MAX_REF_CHARS]


def _chat(obj: dict[str, Any], *, agent: bool) -> int | None:
    """The chat an agent's frame is about. A visitor's socket is bound to the chat whose
    token it presented: whatever chat id a visitor's frame names is ignored."""
    if not agent:
        return None
    value = obj.get("chat")
    # bool is an int in Python; true is no chat id.
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_ID:
        raise FrameError(ErrorCode.BAD_FIELD, "chat")
    return value


def parse_frame(text: str | None, *, allowed: frozenset[str], max_chars: int, agent: bool) -> Frame:
    """One frame from the socket, checked. Binary frames (text None) are refused."""
    if text is None:
        raise FrameError(ErrorCode.NOT_JSON)
    if len(text) > MAX_FRAME_CHARS:
        raise FrameError(ErrorCode.TOO_LARGE)
    try:
        obj = json.loads(text)
    except (ValueError, RecursionError):
        raise FrameError(ErrorCode.NOT_JSON) from None
    if not isinstance(obj, dict):
        raise FrameError(ErrorCode.NOT_OBJECT)
    kind = obj.get("type")
    if not isinstance(kind, str) or kind not in allowed:
        raise FrameError(ErrorCode.UNKNOWN_TYPE, "type")
    ref = _ref(obj)
    if kind == "hello":
        token = obj.get("token") or ""
        if not isinstance(token, str) or (token and not _TOKEN.fullmatch(token)):
            token = ""  # a garbled token is no token: the visitor starts afresh
        language = obj.get("language") or ""
        if not isinstance(language, str) or not _LANGUAGE.fullmatch(language):
            language = ""
        return Hello(token, language[:2].lower())
    if kind == "start":
        return Start(_name(obj), _email(obj), _text(obj, "text", max_chars, ref), ref)
    if kind == "message":
        chat = _chat(obj, agent=agent)
        return Line(_text(obj, "text", max_chars, ref), ref, chat)
    if kind == "typing":
        return Typing(obj.get("on") is True, _chat(obj, agent=agent))
    if kind == "leave_message":
        subject = one_line(_string(obj, "subject", required=False))[:MAX_SUBJECT_CHARS]
        return LeaveMessage(_name(obj), _email(obj), subject, _text(obj, "text", LEAVE_MAX_CHARS))
    if kind == "ping":
        return Ping()
    return ChatAction(kind, _chat(obj, agent=agent))
