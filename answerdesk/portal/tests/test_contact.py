"""The contact form: a ticket through the mail pipeline, suggestions per ask at once, and
the robots, floods and files it refuses."""

from __future__ import annotations

from email import message_from_bytes
from email.policy import default
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from answerdesk.knowledge.actions import load_articles
from answerdesk.mail.models import OutboundMessage, RawMessage
from answerdesk.portal.tests.helpers import CONTACT, posted
from answerdesk.tickets.models import Attachment, Channel, Ticket

FAQ = Path(__file__).resolve().parents[2] / "demo" / "faq.json"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()  # the flood counters


def test_the_form_makes_a_ticket_with_its_acknowledgement_and_shows_answers() -> None:
    load_articles(FAQ)
    client = Client()
    assert "Contact us" in client.get("/contact/").content.decode()
    response = client.post("/contact/", posted(**CONTACT), follow=True)
    assert response.status_code == 200
    ticket = Ticket.objects.get()
    assert ticket.channel == Channel.FORM
    assert ticket.due_at is not None
    assert RawMessage.objects.get().source == "portal:form"
    page = response.content.decode()
    assert ticket.reference in page
    # Each ask the pipeline found is listed, with the FAQ answers that may already settle it.
    assert page.count('data-testid="ask"') == 2
    assert 'data-testid="suggestion"' in page
    ack = OutboundMessage.objects.get(kind=OutboundMessage.Kind.ACKNOWLEDGEMENT)
    assert ack.recipients == ["marie.dupont@example.fr"]
    mail = message_from_bytes(bytes(ack.data), policy=default)
    body = mail.get_body().get_content()  # type: ignore[union-attr]
    assert "/status/" in body  # the signed link to follow the request


def test_a_filled_honeypot_is_refused_and_nothing_is_stored() -> None:
    response = Client().post("/contact/", posted(**CONTACT, website="http://spam.example"))
    assert response.status_code == 400
    assert "looks automated" in response.content.decode()
    assert not RawMessage.objects.exists()


def test_a_form_sent_too_fast_or_with_a_forged_stamp_is_refused() -> None:
    fast = Client().post("/contact/", {**posted(**CONTACT), "issued": _now_stamp()})
    assert "too quickly" in fast.content.decode()
    forged = Client().post("/contact/", {**posted(**CONTACT), "issued": "1700000000:forged"})
    assert "could not be checked" in forged.content.decode()
    assert not RawMessage.objects.exists()
    # The refusal serves a fresh stamp, so that a person can simply send again.
    assert 'name="issued"' in forged.content.decode()


def _now_stamp() -> str:
    from answerdesk.portal.robots import issue_stamp

    return issue_stamp()


def test_a_flood_from_one_address_is_refused_after_the_limit(settings: object) -> None:
    client = Client()
    statuses = []
    for n in range(4):
        data = posted(**{**CONTACT, "email": f"visitor{n}@example.fr"})
        statuses.append(client.post("/contact/", data).status_code)
    assert statuses == [302, 302, 302, 302]
    setattr(settings, "ANSWERDESK_PORTAL_MAX_PER_HOUR", 4)  # noqa: B010
    refused = client.post("/contact/", posted(**CONTACT))
    assert refused.status_code == 400
    assert "Too many messages" in refused.content.decode()
    assert RawMessage.objects.count() == 4


def test_attachments_within_the_limits_reach_the_ticket() -> None:
    photo = SimpleUploadedFile("lampe cassée.jpg", b"\xff\xd8\xff fake jpeg", "image/jpeg")
    response = Client().post("/contact/", {**posted(**CONTACT), "attachments": [photo]})
    assert response.status_code == 302
    assert Attachment.objects.get().filename == "lampe cassée.jpg"


@pytest.mark.parametrize(
    ("files", "refusal"),
    [
        ([("setup.exe", b"MZ")], "this kind of file is not accepted"),
        ([("page.html", b"<script>")], "this kind of file is not accepted"),
        ([(f"f{n}.txt", b"x") for n in range(4)], "At most 3 files"),
        ([("big.pdf", b"x" * (5 * 2**20 + 1))], "is larger than"),
    ],
)
def test_attachments_beyond_the_limits_are_refused_by_name(
    files: list[tuple[str, bytes]], refusal: str
) -> None:
    uploads = [SimpleUploadedFile(name, data) for name, data in files]
    response = Client().post("/contact/", {**posted(**CONTACT), "attachments": uploads})
    assert response.status_code == 400
    assert refusal in response.content.decode()
    assert not RawMessage.objects.exists()


def test_a_request_body_beyond_every_limit_is_refused_before_it_is_read() -> None:
    response = Client().post(
        "/contact/", posted(**CONTACT), CONTENT_LENGTH=str(50 * 2**20), follow=False
    )
    assert response.status_code == 413
    assert "too large" in response.content.decode()


def test_the_form_and_its_errors_read_in_french() -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    assert "Votre message" in client.get("/contact/").content.decode()
    response = client.post("/contact/", posted(**{**CONTACT, "email": "pas une adresse"}))
    assert response.status_code == 400
    assert "adresse" in response.content.decode()


def test_the_flood_counters_are_shared_through_redis_when_configured() -> None:
    """Several web processes count together when the cache is Redis (the Redis on this
    machine, database 15)."""
    from django.test import override_settings

    from answerdesk.portal.robots import Limit, Refused

    redis = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
        }
    }
    with override_settings(CACHES=redis):
        cache.clear()
        limit = Limit(per_hour=2)
        limit.hit("ip:192.0.2.7")
        limit.hit("ip:192.0.2.7")
        with pytest.raises(Refused):
            limit.hit("ip:192.0.2.7")
        limit.hit("ip:192.0.2.8")  # another address counts apart
        cache.clear()
