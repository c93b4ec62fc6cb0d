"""Fixtures for the API tests: tickets made by ingesting mail, clients holding a token."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from answerdesk.api.actions import issue_token
from answerdesk.blob_store import BlobStore
from answerdesk.mail.actions import do_accept, do_process
from answerdesk.mail.tests.mails import make_mail
from answerdesk.tickets.models import Message, Ticket

QUESTION = (
    "Bonjour,\r\nQuand ma commande 4512 sera-t-elle livrée ?\r\n"
    "Et puis-je payer en trois fois ?\r\nMarie\r\n"
)
PARTIAL = "Bonjour,\n\nVotre commande 4512 sera livrée jeudi.\n\nCordialement,\nLe service client"
COMPLETE = (
    "Bonjour,\n\nVotre commande 4512 sera livrée jeudi. Oui, vous pouvez payer en trois fois "
    "sans frais.\n\nCordialement,\nLe service client"
)


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    """Staff users are made with a password; Django's real hasher (PBKDF2, a million rounds)
    costs most of a second per user, and these tests are about the API, not passwords."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class ApiClient:
    """A test client that sends its token and JSON bodies."""

    def __init__(self, secret: str) -> None:
        self.client = Client(headers={"Authorization": f"Bearer {secret}"})

    def get(self, path: str, **query: Any) -> Any:
        return self.client.get(f"/api/v1{path}", query)

    def post(self, path: str, payload: object) -> Any:
        return self.client.post(
            f"/api/v1{path}", json.dumps(payload), content_type="application/json"
        )

    def patch(self, path: str, payload: object) -> Any:
        return self.client.patch(
            f"/api/v1{path}", json.dumps(payload), content_type="application/json"
        )


@pytest.fixture
def api_as(db: None) -> Callable[[Any], ApiClient]:
    """api_as(user): a client authenticated with a fresh token of that user."""
    return lambda user: ApiClient(issue_token(user, "tests"))


@pytest.fixture
def mail_ticket(blob_store: BlobStore) -> Callable[..., Ticket]:
    """mail_ticket(message_id=..., body=...): the ticket a customer's mail opened."""

    def make(message_id: str = "q@example.fr", **mail: Any) -> Ticket:
        mail.setdefault("body", QUESTION)
        raw = make_mail(message_id=message_id, **mail)
        do_process(do_accept([("smtp:192.0.2.1", raw)]).pending, store=blob_store)
        return Message.objects.get(message_id=message_id).ticket

    return make


@pytest.fixture
def agent(make_staff: Callable[..., Any]) -> Any:
    return make_staff("agent", "camille")


@pytest.fixture
def other_agent(make_staff: Callable[..., Any]) -> Any:
    return make_staff("agent", "dominique")


@pytest.fixture
def supervisor(make_staff: Callable[..., Any]) -> Any:
    return make_staff("supervisor", "sacha")
