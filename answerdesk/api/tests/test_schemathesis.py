"""Generated requests for every operation of the schema: none may end in a server error.

The schema is loaded from the application itself (WSGI, no server, no network); the caller
is a supervisor with a token, so every operation is reachable, and a few tickets exist.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from answerdesk.api.actions import issue_token
from answerdesk.api.api import api
from answerdesk.tickets.models import Ticket

# Loaded from the API object rather than by a request: no database is open while pytest
# collects. (schemathesis.pytest.from_fixture would load it later, but does not work with
# pytest 9: it sets the removed Node._nodeid.)
schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = get_wsgi_application()


@pytest.fixture
def one_connection() -> Iterator[None]:
    """Keep the test's database connection across requests, as Django's test client does:
    closing it at the end of a request would drop the transaction the test runs in."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def supervisor_token(one_connection: None, mail_ticket: Any, supervisor: Any, agent: Any) -> str:
    """A supervisor's token, with two tickets (one assigned to an agent) to work on."""
    question = mail_ticket("q@example.fr")
    mail_ticket("other@example.fr", subject="Facture en double", body="Où est ma facture ?\r\n")
    Ticket.objects.filter(pk=question.pk).update(assignee=agent)
    return issue_token(supervisor, "schemathesis")


@pytest.mark.slow
@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_request_makes_a_server_error(case: Any, supervisor_token: str) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Bearer {supervisor_token}"}, checks=[not_a_server_error]
    )
