"""The two websocket ends of a chat: the visitor's widget and the agent's chats page.

Thin: parse and check each frame (frames.py), apply the flood limits (limits.py), hand the
work to the database thread (lines through the batching writer, writer.py), then relay
through the channel layer. Groups: "chat.<id>" for a chat's lines, typing and end (its
visitor and the agents who opened it); "chat.agents" for changes to the desk's list;
"chat.visitors" for whether an agent is online. No frame, however malformed, ends the
connection: the sender gets an error frame and can go on (only a flood that goes on after
MAX_REFUSED refusals is cut off).
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from asgiref.sync import sync_to_async
from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.utils import timezone

from answerdesk.chat import actions, payloads, presence
from answerdesk.chat.access import agent_role, bound_chat, check_agent_chat, find_chat
from answerdesk.chat.db_thread import in_db_thread
from answerdesk.chat.error_codes import ChatError
from answerdesk.chat.frames import (
    AGENT_TYPES,
    VISITOR_TYPES,
    ChatAction,
    Frame,
    FrameError,
    Hello,
    LeaveMessage,
    Line,
    Ping,
    Start,
    Typing,
    parse_frame,
)
from answerdesk.chat.limits import Bucket, addresses
from answerdesk.chat.line_store import AgentLine, PendingLine
from answerdesk.chat.strings import error_text
from answerdesk.chat.writer import line_writer
from answerdesk.tickets.access import may_see_assigned, role_of

log = logging.getLogger(__name__)

AGENTS = "chat.agents"
VISITORS = "chat.visitors"
# Refused frames in a row after which the sender is cut off: a client that keeps flooding
# after being told is not a person typing.
MAX_REFUSED = 200


def chat_group(chat_pk: int) -> str:
    return f"chat.{chat_pk}"


_db = in_db_thread  # every database call of the consumers


class _ChatSocket(AsyncWebsocketConsumer):  # type: ignore[misc]  # channels has no types
    """What both ends share: frame parsing, flood control and error frames."""

    allowed: frozenset[str] = frozenset()
    is_agent = False

    def _limits(self) -> None:
        self.language = ""
        self.address = str((self.scope.get("client") or ["?"])[0])
        self.frames = Bucket(per_minute=600, burst=60)
        self.lines = Bucket(per_minute=settings.ANSWERDESK_CHAT_LINES_PER_MINUTE, burst=10)
        self.refused = 0
        self.told_at = -1.0

    async def dispatch(self, message: dict[str, Any]) -> None:
        """As channels' dispatch, without closing old database connections first: that
        is a trip through the one thread database calls share, for every frame and every
        relayed line, and every database call here goes through _db (db_thread.py)."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"no handler for {message['type']}")
        await handler(message)

    async def send_json(self, payload: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(payload, ensure_ascii=False))

    async def error(self, code: str, *, ref: str = "", limit: int = 0) -> None:
        message = error_text(code, self.language, limit)
        await self.send_json({"type": "error", "code": code, "message": message, "ref": ref})

    async def refuse(self, code: str, ref: str = "") -> None:
        """A flood: say so once a second at most, and cut off a sender who does not stop."""
        self.refused += 1
        if self.refused > MAX_REFUSED:
            await self.close(code=4008)
            return
        now = time.monotonic()
        if now - self.told_at >= 1.0:
            self.told_at = now
            await self.error(code, ref=ref)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if not self.frames.take():
            await self.refuse("rate_limited")
            return
        try:
            frame = parse_frame(
                text_data,
                allowed=self.allowed,
                max_chars=settings.ANSWERDESK_CHAT_MAX_CHARS,
                agent=self.is_agent,
            )
        except FrameError as refused:
            await self.error(refused.code, ref=refused.ref, limit=refused.limit)
            return
        try:
            await self.handle(frame)
        except ChatError as refused:
            await self.error(refused.code, ref=getattr(frame, "ref", ""))
        except Exception:
            # Never a crash: the sender hears that this frame failed and the socket stays.
            log.exception("chat frame failed: %s", type(frame).__name__)
            await self.error("server", ref=getattr(frame, "ref", ""))

    async def handle(self, frame: Frame) -> None:
        raise NotImplementedError

    async def broadcast(self, group: str, event: dict[str, Any]) -> None:
        await self.channel_layer.group_send(group, event)

    async def relay(self, chat_pk: int, line: dict[str, Any]) -> None:
        """Send a stored line to both sides. Should the layer fail (Redis unreachable or
        timing out), the sender still hears that it is stored, so it is not sent twice;
        the other side finds it in the transcript when it reconnects or reopens the chat."""
        try:
            await self.broadcast(chat_group(chat_pk), {"type": "chat.line", "line": line})
        except Exception:
            log.exception("chat line %s stored but not relayed", line["id"])
            await self.chat_line({"line": line})

    async def chat_line(self, event: dict[str, Any]) -> None:
        raise NotImplementedError

    async def _listed(self, chat_pk: int) -> None:
        """Tell the desk's lists what this chat looks like now (each agent's socket filters
        out what its agent may not see)."""
        summary = await _db(payloads.chat_summary, chat_pk, timezone.now())
        await self.broadcast(AGENTS, {"type": "chat.listed", "chat": summary})


class VisitorConsumer(_ChatSocket):
    """The widget. Bound to at most one chat, the one whose token it presented."""

    allowed = VISITOR_TYPES

    async def connect(self) -> None:
        self._limits()
        self.chat_pk: int | None = None
        self.counted = addresses.connect(self.address, settings.ANSWERDESK_CHAT_IP_CONNECTIONS)
        await self.accept()
        if not self.counted:
            await self.error("too_many_connections")
            await self.close(code=4029)
            return
        await self.channel_layer.group_add(VISITORS, self.channel_name)

    async def disconnect(self, code: int) -> None:
        if not getattr(self, "counted", False):
            return
        addresses.disconnect(self.address)
        await self.channel_layer.group_discard(VISITORS, self.channel_name)
        if self.chat_pk is not None:
            await self._unbind()

    def _origin(self) -> str:
        for name, value in self.scope.get("headers", []):
            if name == b"origin":
                return str(value.decode("latin-1"))[:300]
        return ""

    async def _bind(self, chat_pk: int) -> None:
        self.chat_pk = chat_pk
        await self.channel_layer.group_add(chat_group(chat_pk), self.channel_name)
        arrived = await _db(
            presence.do_register_visitor, self.channel_name, chat_pk, timezone.now()
        )
        if arrived:
            await self._listed(chat_pk)

    async def _unbind(self) -> None:
        chat_pk, self.chat_pk = self.chat_pk, None
        assert chat_pk is not None
        await self.channel_layer.group_discard(chat_group(chat_pk), self.channel_name)
        _, _, gone = await _db(presence.do_unregister, self.channel_name, timezone.now())
        if gone:
            await self._listed(chat_pk)

    async def handle(self, frame: Frame) -> None:
        if isinstance(frame, Line):
            await self.line(frame)
        elif isinstance(frame, Typing):
            if self.chat_pk is not None:
                await self.broadcast(
                    chat_group(self.chat_pk),
                    {
                        "type": "chat.typing",
                        "chat": self.chat_pk,
                        "from": "visitor",
                        "on": frame.on,
                    },
                )
        elif isinstance(frame, Hello):
            await self.hello(frame)
        elif isinstance(frame, Start):
            await self.start(frame)
        elif isinstance(frame, LeaveMessage):
            await self.leave_message(frame)
        elif isinstance(frame, ChatAction):
            await self.end()
        elif isinstance(frame, Ping):
            if self.chat_pk is not None:
                line_writer().touch(self.channel_name)
            await self.send_json({"type": "pong"})

    async def hello(self, frame: Hello) -> None:
        self.language = frame.language or self.language
        chat = await _db(find_chat, frame.token) if frame.token else None
        online = await _db(presence.agents_online, timezone.now())
        welcome: dict[str, Any] = {"type": "welcome", "agents_online": online, "chat": None}
        if chat is not None:
            welcome["chat"] = await _db(payloads.visitor_chat, chat)
            if chat.status != chat.Status.ENDED and self.chat_pk != chat.pk:
                if self.chat_pk is not None:
                    await self._unbind()
                await self._bind(chat.pk)
        elif frame.token:
            welcome["forget"] = True  # an unknown token: the widget drops it
        await self.send_json(welcome)

    async def start(self, frame: Start) -> None:
        if self.chat_pk is not None:
            await self.error("bad_field", ref=frame.ref)
            return
        per_hour = settings.ANSWERDESK_CHAT_IP_CHATS_PER_HOUR
        if not addresses.take(self.address, "chats", per_hour / 60, per_hour):
            await self.error("too_many_chats", ref=frame.ref)
            return
        started = await _db(
            actions.do_start_chat,
            name=frame.name,
            email=frame.email,
            text=frame.text,
            language=self.language,
            origin=self._origin(),
            ref=frame.ref,
        )
        chat = started.chat
        await self.send_json(
            {
                "type": "started",
                "token": started.token,
                "reference": chat.ticket.reference,
                "chat": chat.pk,
            }
        )
        await self._bind(chat.pk)
        await self.relay(chat.pk, started.line)

    async def line(self, frame: Line) -> None:
        if self.chat_pk is None:
            await self.error("no_chat", ref=frame.ref)
            return
        per_minute = settings.ANSWERDESK_CHAT_IP_LINES_PER_MINUTE
        if not self.lines.take() or not addresses.take(
            self.address, "lines", per_minute, per_minute / 4
        ):
            await self.refuse("rate_limited", frame.ref)
            return
        self.refused = 0
        at = timezone.now()
        # Read (language, kind, asks) in a worker thread, beside the database thread: the
        # CPU-heavy half of a line's work, kept out of the one thread that writes.
        read = await sync_to_async(actions.read_line, thread_sensitive=False)(frame.text)
        pending = PendingLine(self.chat_pk, frame.text, frame.ref, at, read)
        line = (await line_writer().write(pending)).line
        await self.relay(self.chat_pk, line)

    async def leave_message(self, frame: LeaveMessage) -> None:
        per_hour = settings.ANSWERDESK_CHAT_IP_CHATS_PER_HOUR
        if not addresses.take(self.address, "chats", per_hour / 60, per_hour):
            await self.error("too_many_chats")
            return
        # Its own thread: the whole mail pipeline runs (and may load models the first
        # time), and the chat lines of everyone else must not wait behind it.
        reference, _ = await database_sync_to_async(
            actions.do_leave_message, thread_sensitive=False
        )(
            name=frame.name,
            email=frame.email,
            subject=frame.subject,
            text=frame.text,
            language=self.language,
        )
        await self.send_json({"type": "left", "reference": reference})

    async def end(self) -> None:
        if self.chat_pk is None:
            await self.error("no_chat")
            return
        chat_pk = self.chat_pk
        chat = await _db(bound_chat, chat_pk)
        if await _db(actions.do_end, chat):
            await self.broadcast(chat_group(chat_pk), {"type": "chat.ended", "chat": chat_pk})
            await self._listed(chat_pk)

    # --- relayed events ---------------------------------------------------------------------
    async def chat_line(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "line", "line": payloads.for_visitor(event["line"])})

    async def chat_typing(self, event: dict[str, Any]) -> None:
        if event["from"] == "agent":
            await self.send_json({"type": "typing", "on": event["on"], "name": event["name"]})

    async def chat_joined(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "joined", "name": event["name"]})

    async def chat_ended(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "ended"})
        if self.chat_pk == event["chat"]:
            await self._unbind()

    async def chat_agents(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "presence", "agents_online": event["online"]})


class AgentConsumer(_ChatSocket):
    """The desk's chats page. Only staff with a desk role; every chat is checked against
    answerdesk.tickets.access when opened and on every action."""

    allowed = AGENT_TYPES
    is_agent = True

    async def connect(self) -> None:
        self._limits()
        self.user = self.scope.get("user")
        self.following: set[int] = set()
        self.registered = False
        if self.user is None or not self.user.is_authenticated:
            await self.close(code=4403)
            return
        role = await _db(agent_role, self.user)
        if not role:
            await self.close(code=4403)
            return
        # Cached on the scope's user for the list filter (tickets.access.may_see_assigned).
        await _db(role_of, self.user)
        await self.accept()
        self.registered = True
        await self.channel_layer.group_add(AGENTS, self.channel_name)
        first = await _db(
            presence.do_register_agent, self.channel_name, self.user.pk, timezone.now()
        )
        if first:
            await self.broadcast(VISITORS, {"type": "chat.agents", "online": True})
        chats = await _db(payloads.agent_chats, self.user, timezone.now())
        await self.send_json({"type": "chats", "chats": chats})

    async def disconnect(self, code: int) -> None:
        if not getattr(self, "registered", False):
            return
        await self.channel_layer.group_discard(AGENTS, self.channel_name)
        for chat_pk in self.following:
            await self.channel_layer.group_discard(chat_group(chat_pk), self.channel_name)
        _, _, last = await _db(presence.do_unregister, self.channel_name, timezone.now())
        if last:
            await self.broadcast(VISITORS, {"type": "chat.agents", "online": False})

    async def _follow(self, chat_pk: int) -> None:
        if chat_pk not in self.following:
            self.following.add(chat_pk)
            await self.channel_layer.group_add(chat_group(chat_pk), self.channel_name)

    async def _unfollow(self, chat_pk: int) -> None:
        if chat_pk in self.following:
            self.following.discard(chat_pk)
            await self.channel_layer.group_discard(chat_group(chat_pk), self.channel_name)

    async def handle(self, frame: Frame) -> None:
        if isinstance(frame, Ping):
            line_writer().touch(self.channel_name)
            await self.send_json({"type": "pong"})
            return
        chat_pk = getattr(frame, "chat", None)
        assert chat_pk is not None  # frames.parse_frame requires it of agents
        if isinstance(frame, ChatAction) and frame.action == "close":
            await self._unfollow(chat_pk)
            return
        if isinstance(frame, Typing):
            # Checked when the chat was opened; typing is not worth a query each time.
            if chat_pk in self.following:
                name = payloads.display_name(self.user)
                await self.broadcast(
                    chat_group(chat_pk),
                    {
                        "type": "chat.typing",
                        "chat": chat_pk,
                        "from": "agent",
                        "on": frame.on,
                        "name": name,
                    },
                )
            return
        if isinstance(frame, Line):
            # Access is checked as the line's batch is written (answerdesk.chat.writer).
            pending = AgentLine(self.user, chat_pk, frame.text, frame.ref, timezone.now())
            written = await line_writer().write(pending)
            await self._follow(chat_pk)
            if written.taken:  # the visitor hears who joined, then what they say
                await self._taken(chat_pk)
            await self.relay(chat_pk, written.line)
            return
        chat = await _db(check_agent_chat, self.user, chat_pk)
        if isinstance(frame, ChatAction) and frame.action == "open":
            await self._follow(chat_pk)
            opened = await _db(payloads.agent_chat, chat, timezone.now())
            await self.send_json({"type": "transcript", **opened})
        elif isinstance(frame, ChatAction) and frame.action == "take":
            if await _db(actions.do_take, chat, self.user):
                await self._follow(chat_pk)
                await self._taken(chat_pk)
        elif (
            isinstance(frame, ChatAction)
            and frame.action == "end"
            and await _db(actions.do_end, chat, by=self.user)
        ):
            await self.broadcast(chat_group(chat_pk), {"type": "chat.ended", "chat": chat_pk})
            await self._listed(chat_pk)

    async def _taken(self, chat_pk: int) -> None:
        name = payloads.display_name(self.user)
        await self.broadcast(
            chat_group(chat_pk), {"type": "chat.joined", "chat": chat_pk, "name": name}
        )
        await self._listed(chat_pk)

    # --- relayed events ---------------------------------------------------------------------
    async def chat_line(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "line", "line": event["line"]})

    async def chat_typing(self, event: dict[str, Any]) -> None:
        if event["from"] == "visitor":
            await self.send_json({"type": "typing", "chat": event["chat"], "on": event["on"]})

    async def chat_joined(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "joined", "chat": event["chat"], "name": event["name"]})

    async def chat_ended(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "ended", "chat": event["chat"]})

    async def chat_listed(self, event: dict[str, Any]) -> None:
        summary = event["chat"]
        if may_see_assigned(self.user, summary["assignee"]):
            await self.send_json({"type": "listed", "chat": summary})
        else:
            # Taken by another agent: gone from this agent's list, and from their screen.
            await self._unfollow(summary["chat"])
            await self.send_json({"type": "unlisted", "chat": summary["chat"]})
