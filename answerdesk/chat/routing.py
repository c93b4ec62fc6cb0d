"""The chat's websocket routes, each behind its Origin check, and the agents' behind the
session and authentication middleware.

Browsers send an Origin on every websocket handshake and let no page forge it, so it is
what keeps another site's page from opening a socket with a visitor's or an agent's
cookies. Agents: only the site's own pages. Visitors: the site's pages and the sites
listed in ANSWERDESK_CHAT_ALLOWED_ORIGINS (which embed the widget). A handshake without
an Origin comes from no browser page and is refused too.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter
from channels.security.websocket import OriginValidator, WebsocketDenier
from django.conf import settings
from django.urls import path

from answerdesk.chat.consumers import AgentConsumer, VisitorConsumer

Scope = dict[str, Any]
ASGIApp = Any  # channels and asgiref describe ASGI applications loosely


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return bytes(value).decode("latin-1").strip()
    return ""


def origin_allowed(origin: str, host: str, *, embeddable: bool) -> bool:
    """Whether a page from `origin` may open this socket, opened on `host`."""
    if not origin or origin == "null":
        return False
    parsed = urlparse(origin.lower())
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        return False
    # The site's own pages: the Origin names the host the socket was opened on (behind a
    # proxy that keeps the Host header) or the site's public address.
    if host and parsed.netloc == host.lower():
        return True
    patterns = [settings.ANSWERDESK_PUBLIC_URL]
    if embeddable:
        patterns += settings.ANSWERDESK_CHAT_ALLOWED_ORIGINS
    checker = OriginValidator(None, patterns)
    return bool(checker.valid_origin(parsed))


class ChatOriginValidator:
    """ASGI middleware: refuse the handshake (403) unless origin_allowed."""

    def __init__(self, application: ASGIApp, *, embeddable: bool) -> None:
        self.application, self.embeddable = application, embeddable

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> Any:
        origin, host = _header(scope, b"origin"), _header(scope, b"host")
        if origin_allowed(origin, host, embeddable=self.embeddable):
            return await self.application(scope, receive, send)
        return await WebsocketDenier()(scope, receive, send)


def websocket_application() -> ASGIApp:
    return URLRouter(
        [
            path(
                "ws/chat/visitor/",
                ChatOriginValidator(VisitorConsumer.as_asgi(), embeddable=True),
            ),
            path(
                "ws/chat/agent/",
                ChatOriginValidator(AuthMiddlewareStack(AgentConsumer.as_asgi()), embeddable=False),
            ),
        ]
    )
