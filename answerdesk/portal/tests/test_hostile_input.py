"""Whatever a visitor types into a public form: a clear answer, never a traceback, never
their text rendered as markup, and a header they cannot smuggle anything into."""

from __future__ import annotations

import datetime as dt
from email import message_from_bytes
from email.policy import default
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from answerdesk.mail.models import RawMessage
from answerdesk.portal.intake import Submission, build_message
from answerdesk.portal.tests.helpers import CONTACT, posted

HOSTILE = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            '"><img src=x onerror=alert(1)>',
            "x\r\nBcc: everyone@example.com",
            "=?utf-8?b?PHNjcmlwdD4=?=",
            "\x00\x01\x7f",
            "\u202eevil\u2028line",
            "A" * 25_000,
        ]
    ),
)

pytestmark = pytest.mark.django_db


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(field=st.sampled_from(["name", "email", "subject", "message"]), value=HOSTILE)
def test_hostile_contact_fields_get_an_answer_never_a_crash(field: str, value: str) -> None:
    cache.clear()
    response = Client().post("/contact/", posted(**{**CONTACT, field: value}))
    assert response.status_code in (302, 400)
    page = response.content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "onerror=alert(1)>" not in page
    if response.status_code == 302:
        raw = RawMessage.objects.order_by("pk").last()
        assert raw is not None
        assert raw.state == RawMessage.State.PROCESSED


@settings(max_examples=200, deadline=None)
@given(name=HOSTILE, subject=HOSTILE)
def test_no_header_can_be_smuggled_through_a_name_or_subject(name: str, subject: str) -> None:
    submission = Submission("form", name, "visitor@example.fr", subject, "Bonjour")
    _, data = build_message(submission, to="support@example.fr", at=dt.datetime.now(dt.UTC))
    mail = message_from_bytes(data, policy=default)
    assert mail.get_all("Bcc") is None
    assert len(mail.get_all("Subject") or []) == 1
    assert len(mail.get_all("From") or []) == 1


@settings(max_examples=60, deadline=None)
@given(token=st.text(max_size=400))
def test_any_status_or_survey_link_is_refused_cleanly(token: str) -> None:
    for prefix in ("/status/", "/survey/"):
        response = Client().get(prefix + quote(token, safe="") + "/")
        assert response.status_code in (403, 404)
