"""The same conversation over the Redis channel layer (ANSWERDESK_REDIS_URL), as when
several processes serve websockets. Skipped where no Redis answers on loopback."""

from __future__ import annotations

import os
import socket
import uuid
from typing import Any

import pytest
from asgiref.sync import async_to_sync

from answerdesk.chat.tests.sockets import AGENT, Socket

REDIS_URL = os.environ.get("ANSWERDESK_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "ANSWERDESK_TEST_REDIS_URL" not in os.environ and not _redis_answers(),
        reason="no Redis on 127.0.0.1:6379",
    ),
]


def test_a_line_crosses_the_redis_layer(settings, make_staff, agent_cookie):
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # A prefix of its own: other runs (and other projects) may share this Redis.
            "CONFIG": {"hosts": [REDIS_URL], "prefix": f"answerdesk-test-{uuid.uuid4().hex}"},
        }
    }
    cookie = agent_cookie(make_staff("agent", "camille", first_name="Camille"))

    async def scenario() -> dict[str, Any]:
        agent = Socket(AGENT, cookie=cookie)
        assert (await agent.connect())[0]
        await agent.expect("chats")
        visitor = Socket()
        await visitor.connect()
        welcome = await visitor.hello()
        await visitor.send_frame(type="start", email="tom@example.com", text="Is it in stock?")
        chat = (await visitor.expect("started"))["chat"]
        await agent.send_frame(type="open", chat=chat)
        await agent.expect("transcript")
        await visitor.send_frame(type="message", text="The brass one?")
        at_agent = await agent.expect("line", where=lambda f: f["line"]["text"] == "The brass one?")
        await agent.send_frame(type="message", chat=chat, text="Yes, it is.")
        at_visitor = await visitor.expect("line", where=lambda f: f["line"]["from"] == "agent")
        await visitor.disconnect()
        await agent.disconnect()
        return locals()

    seen = async_to_sync(scenario)()
    assert seen["welcome"]["agents_online"] is True
    assert seen["at_agent"]["line"]["asks"] == ["The brass one?"]
    assert seen["at_visitor"]["line"]["text"] == "Yes, it is."
