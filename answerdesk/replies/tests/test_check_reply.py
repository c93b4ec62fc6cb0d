"""`answerdesk check-reply` and the composer's JSON endpoint."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from answerdesk.mail.actions import do_accept, do_process
from answerdesk.mail.tests.mails import make_mail
from answerdesk.tickets.models import Message

pytestmark = pytest.mark.django_db

QUESTION = (
    "Bonjour,\r\nQuand ma commande 4512 sera-t-elle livrée ?\r\n"
    "Et puis-je payer en trois fois ?\r\nMarie\r\n"
)
PARTIAL = "Bonjour,\n\nVotre commande 4512 sera livrée jeudi.\n\nCordialement,\nLe service client"


def test_one_message_and_one_reply_from_files(tmp_path):
    (tmp_path / "m.eml").write_bytes(make_mail(message_id="q@example.fr", body=QUESTION))
    (tmp_path / "r.txt").write_text(PARTIAL, encoding="utf-8")
    out = StringIO()
    call_command(
        "check-reply",
        "--message",
        str(tmp_path / "m.eml"),
        "--reply",
        str(tmp_path / "r.txt"),
        "--json",
        stdout=out,
    )
    result = json.loads(out.getvalue())
    assert result["answered"] == [True, False]
    assert result["complete"] is False


def test_a_batch_answers_every_line_even_the_broken_ones(tmp_path):
    (tmp_path / "m.eml").write_bytes(make_mail(message_id="q@example.fr", body=QUESTION))
    lines = [
        json.dumps({"id": "a", "asks": ["Puis-je payer en trois fois ?"], "reply": PARTIAL}),
        json.dumps({"id": "b", "message_file": "m.eml", "reply": PARTIAL}),
        "{not json",
        json.dumps({"id": "d", "asks": "not a list", "reply": "x"}),
        json.dumps({"id": "e", "message_file": "missing.eml", "reply": "x"}),
    ]
    (tmp_path / "in.jsonl").write_text("\n".join(lines), encoding="utf-8")
    out = StringIO()
    call_command("check-reply", "--jsonl", str(tmp_path / "in.jsonl"), stdout=out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["id"] for r in rows] == ["a", "b", None, "d", "e"]
    assert rows[0] == {"id": "a", "answered": [False], "evidence": [[]], "complete": False}
    assert rows[1]["answered"] == [True, False]
    assert "not JSON" in rows[2]["error"]
    assert "asks" in rows[3]["error"]
    assert "missing.eml" in rows[4]["error"]


@pytest.fixture
def agent_client(client, make_staff):
    client.force_login(make_staff("agent", "camille"))
    return client


def post(client: Client, payload: object, raw: str | None = None) -> Any:
    body = raw if raw is not None else json.dumps(payload)
    return client.post("/api/replies/check/", body, content_type="application/json")


def test_the_endpoint_checks_a_draft_against_a_stored_message(agent_client, blob_store):
    mail = make_mail(message_id="q@example.fr", body=QUESTION)
    do_process(do_accept([("smtp:192.0.2.1", mail)]).pending, store=blob_store)
    message = Message.objects.get(direction=Message.Direction.INBOUND)

    response = post(agent_client, {"message": message.pk, "reply": PARTIAL})

    assert response.status_code == 200
    body = response.json()
    assert [a["answered"] for a in body["asks"]] == [True, False]
    assert body["asks"][0]["evidence"] == ["Votre commande 4512 sera livrée jeudi."]
    assert body["complete"] is False


@pytest.mark.parametrize(
    ("payload", "raw", "status", "error"),
    [
        (None, "{oops", 400, "not JSON"),
        ([1, 2], None, 400, '"reply"'),
        ({"reply": "x", "asks": [1]}, None, 400, '"asks"'),
        ({"reply": "x", "message": "12"}, None, 400, "message id"),
        ({"reply": "x", "message": 999999}, None, 404, "no message"),
    ],
)
def test_the_endpoint_refuses_garbage_in_words(agent_client, payload, raw, status, error):
    response = post(agent_client, payload, raw)
    assert response.status_code == status
    assert error in response.json()["error"]


def test_the_endpoint_is_for_signed_in_staff_only(client):
    response = post(client, {"asks": ["?"], "reply": "x"})
    assert response.status_code == 302  # to the sign-in page
