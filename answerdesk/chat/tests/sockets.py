# mypy: disable-error-code="no-untyped-call"
# (asgiref.testing has no type annotations.)
"""Test sockets on the chat's routes, with an Origin, a client address and (for agents) a
session cookie, plus waiting for a frame of a given type.

Like channels' WebsocketCommunicator, on asgiref's ApplicationCommunicator: importing
channels.testing needs daphne, which this project does not use.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from asgiref.testing import ApplicationCommunicator

from answerdesk.chat.routing import websocket_application

SITE = b"http://testserver"
VISITOR = "/ws/chat/visitor/"
AGENT = "/ws/chat/agent/"


class Socket(ApplicationCommunicator):
    def __init__(
        self,
        path: str = VISITOR,
        *,
        origin: bytes | None = SITE,
        client: str = "203.0.113.7",
        cookie: bytes = b"",
    ) -> None:
        headers = [(b"host", b"testserver")]
        if origin is not None:
            headers.append((b"origin", origin))
        if cookie:
            headers.append((b"cookie", cookie))
        scope = {
            "type": "websocket",
            "path": path,
            "query_string": b"",
            "headers": headers,
            "subprotocols": [],
            "client": [client, 50000],
        }
        super().__init__(websocket_application(), scope)
        self.skipped: list[dict[str, Any]] = []

    async def _input(self, event: dict[str, Any]) -> None:
        await self.send_input(event)

    async def quiet(self, seconds: float) -> bool:
        """Whether nothing more arrives for this long."""
        return bool(await self.receive_nothing(seconds))

    async def connect(self, timeout: float = 3) -> tuple[bool, Any]:
        """(True, None) when accepted, (False, close code) when refused."""
        await self._input({"type": "websocket.connect"})
        response = await self.receive_output(timeout)
        if response["type"] == "websocket.close":
            return False, response.get("code", 1000)
        assert response["type"] == "websocket.accept"
        return True, None

    async def receive_json_from(self, timeout: float = 3) -> dict[str, Any]:
        response = await self.receive_output(timeout)
        assert response["type"] == "websocket.send", response
        frame: dict[str, Any] = json.loads(response["text"])
        return frame

    async def disconnect(self, code: int = 1000, timeout: float = 3) -> None:
        await self._input({"type": "websocket.disconnect", "code": code})
        await self.wait(timeout)

    async def send_frame(self, **frame: Any) -> None:
        await self._input({"type": "websocket.receive", "text": json.dumps(frame)})

    async def send_raw(self, text: str | None = None, data: bytes | None = None) -> None:
        event: dict[str, Any] = {"type": "websocket.receive"}
        if text is not None:
            event["text"] = text
        if data is not None:
            event["bytes"] = data
        await self._input(event)

    async def expect(
        self, kind: str, timeout: float = 3, where: Callable[[dict[str, Any]], bool] | None = None
    ) -> dict[str, Any]:
        """The next frame of this type (and matching `where`); others are kept in `skipped`."""
        while True:
            frame: dict[str, Any] = await self.receive_json_from(timeout)
            if frame.get("type") == kind and (where is None or where(frame)):
                return frame
            self.skipped.append(frame)

    async def hello(self, token: str = "", language: str = "en") -> dict[str, Any]:
        await self.send_frame(type="hello", token=token, language=language)
        return await self.expect("welcome")
