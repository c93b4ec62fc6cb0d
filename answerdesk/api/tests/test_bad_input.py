"""Input of any shape gets a 4xx with {"detail": "..."}, never a server error."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(api_as, supervisor):
    return api_as(supervisor)


@pytest.fixture
def ticket(mail_ticket):
    return mail_ticket()


@pytest.mark.parametrize(
    "query",
    [
        {"status": "lost"},
        {"kind": "k\x00"},
        {"q": "x" * 201},
        {"q": "lampe\x00"},
        {"limit": 101},
        {"limit": 0},
        {"offset": -1},
        {"offset": 10**30},
        {"assignee": "someone"},
        {"ordering": "subject"},
        {"overdue": "maybe"},
    ],
)
def test_bad_filters_are_422(api, query):
    response = api.get("/tickets", **query)

    assert response.status_code == 422
    assert isinstance(response.json()["detail"], str)


@pytest.mark.parametrize("ticket_id", ["0", "-1", "abc", str(2**63), "9" * 5000])
def test_ids_that_cannot_name_a_ticket_are_422(api, ticket_id):
    assert api.get(f"/tickets/{ticket_id}").status_code == 422


def test_an_id_that_names_nothing_is_404(api):
    assert api.get(f"/tickets/{2**63 - 1}").status_code == 404
    assert api.get(f"/messages/{2**63 - 1}/triage").status_code == 404


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"body": "a\x00b"}, 422),
        ({"body": "\ud800"}, 422),
        ({"body": ""}, 422),
        ({"body": "x" * 100_001}, 422),
        ({"body": ["list"]}, 422),
        ({}, 422),
        ([1, 2], 422),
        ({"body": "ok", "status": "deleted"}, 422),
        ({"body": "ok", "confirm_unanswered": "perhaps"}, 422),
    ],
)
def test_bad_reply_bodies(api, ticket, payload, status):
    response = api.post(f"/tickets/{ticket.pk}/replies", payload)

    assert response.status_code == status
    assert isinstance(response.json()["detail"], str)


@pytest.mark.parametrize(
    "payload",
    [
        {"priority": 5},
        {"priority": 2**70},
        {"assignee": 0},
        {"assignee": 2**64},
        {"kind": "k" * 33},
    ],
)
def test_bad_changes_are_422(api, ticket, payload):
    assert api.patch(f"/tickets/{ticket.pk}", payload).status_code == 422


def test_a_body_that_is_not_json_is_400(api, ticket):
    for raw in (b"{oops", b"\xff\xfe", b"[" * 100_000):
        response = api.client.post(
            f"/api/v1/tickets/{ticket.pk}/notes", raw, content_type="application/json"
        )
        assert response.status_code == 400


def test_a_body_over_1_mb_is_413_before_it_is_read(api, ticket):
    payload = json.dumps({"body": "x" * 1_000_001})

    response = api.client.post(
        f"/api/v1/tickets/{ticket.pk}/notes", payload, content_type="application/json"
    )

    assert response.status_code == 413
    assert "larger than" in response.json()["detail"]


def test_the_schema_and_docs_are_served_with_no_outside_url(client):
    schema = client.get("/api/v1/openapi.json")
    docs = client.get("/api/v1/docs")

    assert schema.status_code == 200
    assert "/api/v1/tickets/{ticket_id}/replies" in schema.json()["paths"]
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "http://" not in html
    assert "https://" not in html
    assert '"validatorUrl": null' in html
    assert client.get("/api/v1/docs/assets/swagger-ui-bundle.js").status_code == 200
    assert client.get("/api/v1/docs/assets/redoc.standalone.js.map").status_code == 404
