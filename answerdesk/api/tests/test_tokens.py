"""Tokens: issued once, stored hashed, revocable; the session works too, with CSRF."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from answerdesk.api.actions import issue_token, revoke_token, user_for_secret
from answerdesk.api.models import ApiToken

pytestmark = pytest.mark.django_db


def bearer(secret: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {secret}"})


def test_only_the_hash_and_a_short_prefix_of_the_secret_are_stored(agent):
    secret = issue_token(agent, "zapier")

    token = ApiToken.objects.get()
    assert token.key_sha256 == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith(token.prefix)
    assert len(token.prefix) < 16
    assert secret not in json.dumps(list(ApiToken.objects.values()), default=str)
    assert (token.user, token.name) == (agent, "zapier")


def test_a_token_opens_the_api_and_its_use_is_noted(agent):
    secret = issue_token(agent)

    response = bearer(secret).get("/api/v1/tickets")

    assert response.status_code == 200
    assert ApiToken.objects.get().last_used_at is not None


def test_last_used_is_written_at_most_once_a_minute(agent):
    secret = issue_token(agent)
    first = timezone.now()
    user_for_secret(secret, now=first)

    user_for_secret(secret, now=first + dt.timedelta(seconds=30))
    assert ApiToken.objects.get().last_used_at == first

    user_for_secret(secret, now=first + dt.timedelta(minutes=2))
    assert ApiToken.objects.get().last_used_at == first + dt.timedelta(minutes=2)


@pytest.mark.parametrize(
    "header",
    ["", "Bearer ", "Bearer adk_not-a-token", "Bearer wrong-prefix", "Basic dXNlcjpwYXNz"],
)
def test_no_token_or_an_unknown_one_is_refused_with_401(agent, header):
    client = Client(headers={"Authorization": header} if header else {})

    response = client.get("/api/v1/tickets")

    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


def test_a_revoked_token_is_refused(agent):
    secret = issue_token(agent)
    revoke_token(ApiToken.objects.get())

    assert bearer(secret).get("/api/v1/tickets").status_code == 401


def test_the_token_of_a_deactivated_user_is_refused(agent):
    secret = issue_token(agent)
    get_user_model().objects.filter(pk=agent.pk).update(is_active=False)

    assert bearer(secret).get("/api/v1/tickets").status_code == 401


def test_a_bearer_post_needs_no_csrf_token(agent, mail_ticket):
    ticket = mail_ticket()
    client = Client(
        enforce_csrf_checks=True, headers={"Authorization": f"Bearer {issue_token(agent)}"}
    )

    response = client.post(
        f"/api/v1/tickets/{ticket.pk}/notes", {"body": "Vu."}, content_type="application/json"
    )

    assert response.status_code == 201


def test_the_desk_session_works_and_its_posts_need_the_csrf_token(agent, mail_ticket):
    ticket = mail_ticket()
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    assert client.get("/api/v1/tickets").status_code == 200
    note = f"/api/v1/tickets/{ticket.pk}/notes"

    refused = client.post(note, {"body": "Vu."}, content_type="application/json")
    client.get("/api/v1/docs")  # any page that renders the token sets the cookie
    token = client.cookies["csrftoken"].value
    accepted = client.post(
        note, {"body": "Vu."}, content_type="application/json", headers={"X-CSRFToken": token}
    )

    assert refused.status_code == 403
    assert accepted.status_code == 201


def test_the_command_prints_a_working_secret(agent):
    out = StringIO()
    call_command("api-token", "camille", "--name", "crm", stdout=out)

    secret = out.getvalue().strip()
    assert bearer(secret).get("/api/v1/tickets").status_code == 200
    assert ApiToken.objects.get().name == "crm"


def test_the_command_refuses_an_unknown_user(db):
    with pytest.raises(CommandError, match="no user 'nobody'"):
        call_command("api-token", "nobody")


def test_the_admin_lists_tokens_without_their_secret_or_hash(admin_client, agent):
    secret = issue_token(agent, "crm")
    token = ApiToken.objects.get()

    listing = admin_client.get("/admin/api/apitoken/").content.decode()
    page = admin_client.get(f"/admin/api/apitoken/{token.pk}/change/").content.decode()

    assert token.prefix in listing
    assert "crm" in listing
    for html in (listing, page):
        assert secret not in html
        assert token.key_sha256 not in html
