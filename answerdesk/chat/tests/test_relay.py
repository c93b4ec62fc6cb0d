"""A line is stored before it is relayed: when the layer fails to relay it, the sender is
told it is stored (so it is not sent twice) and the agent finds it in the transcript."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync

from answerdesk.chat.layers import InMemoryChannelLayer
from answerdesk.chat.tests.sockets import AGENT, Socket
from answerdesk.tickets.models import Message

pytestmark = pytest.mark.django_db(transaction=True)


class LineDroppingLayer(InMemoryChannelLayer):
    """Redis timing out, as it did under an overload: chat lines fail to go out."""

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        if message["type"] == "chat.line":
            raise TimeoutError("Timeout reading from 127.0.0.1:6379")
        await super().group_send(group, message)


def test_a_line_the_layer_cannot_relay_is_kept_and_the_sender_told(
    settings, make_staff, agent_cookie
):
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "answerdesk.chat.tests.test_relay.LineDroppingLayer"}
    }
    cookie = agent_cookie(make_staff("agent", "camille"))

    async def scenario() -> dict[str, Any]:
        visitor = Socket()
        await visitor.connect()
        await visitor.hello()
        await visitor.send_frame(type="start", email="tom@example.com", text="Hello?", ref="r1")
        chat = (await visitor.expect("started"))["chat"]
        first = await visitor.expect("line")
        await visitor.send_frame(type="message", text="Anyone there?", ref="r2")
        second = await visitor.expect("line")
        agent = Socket(AGENT, cookie=cookie)
        await agent.connect()
        await agent.send_frame(type="open", chat=chat)
        transcript = await agent.expect("transcript")
        for socket in (visitor, agent):
            await socket.disconnect()
        return locals()

    seen = async_to_sync(scenario)()
    assert (seen["first"]["line"]["ref"], seen["second"]["line"]["ref"]) == ("r1", "r2")
    assert [line["text"] for line in seen["transcript"]["lines"]] == ["Hello?", "Anyone there?"]
    assert Message.objects.count() == 2
