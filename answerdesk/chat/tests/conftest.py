"""Chat test fixtures: a fresh channel layer and fresh flood limits for every test, the
models loaded once, and sockets that speak to the chat's ASGI routes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import LazySettings
from django.test import Client

from answerdesk.chat import consumers
from answerdesk.chat.access import forget_users
from answerdesk.chat.limits import AddressLimits
from answerdesk.chat.tests.sockets import Socket
from answerdesk.learning.readers import current_reader


@pytest.fixture(scope="session", autouse=True)
def _reader_loaded() -> None:
    # Loading the language, kind and ask models takes seconds: once, not in a socket's
    # one-second receive timeout.
    current_reader().read("", "Bonjour, où est ma commande ?")


@pytest.fixture(autouse=True)
def _fresh_chat_state(settings: LazySettings, monkeypatch: pytest.MonkeyPatch) -> None:
    # A new in-memory layer (changing the setting drops the cached one) and new limits.
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "answerdesk.chat.layers.InMemoryChannelLayer"}
    }
    settings.ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
    settings.ANSWERDESK_PUBLIC_URL = "http://testserver"
    settings.ANSWERDESK_CHAT_ALLOWED_ORIGINS = ["https://shop.example.com"]
    monkeypatch.setattr(consumers, "addresses", AddressLimits())
    # Users are remembered for seconds; a test's users are not the previous test's.
    forget_users()


@pytest.fixture
def agent_cookie(db: None) -> Callable[[Any], bytes]:
    """The Cookie header of a browser logged in as this user (one browser per user: a
    second login in the same one would end the first session)."""

    def cookie(user: Any) -> bytes:
        browser = Client()
        browser.force_login(user)
        return f"sessionid={browser.cookies['sessionid'].value}".encode()

    return cookie


@pytest.fixture
def socket_factory() -> Callable[..., Socket]:
    return Socket
