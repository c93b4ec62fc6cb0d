"""The NinjaAPI object: authentication, error shapes, the request size limit, the routers."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError

from answerdesk.api.auth import BearerToken, DeskSession
from answerdesk.api.docs import LocalSwagger
from answerdesk.api.endpoints import messages, tickets, triage
from answerdesk.learning.actions import CorrectionError
from answerdesk.tickets.actions import ActionError

# Far above any reply (100,000 characters), far below what would tie up a worker.
MAX_REQUEST_BYTES = 1_000_000

api = NinjaAPI(
    title="answerdesk API",
    version="1",
    description=(
        "Tickets, their messages and timeline, replies with the completeness gate, notes, "
        "triage corrections. Authenticate with `Authorization: Bearer <token>` "
        "(`answerdesk api-token USERNAME`) or the desk's session plus its CSRF token."
    ),
    auth=[BearerToken(), DeskSession()],
    docs=LocalSwagger(settings={"validatorUrl": None}),
    docs_url="/docs",
    openapi_url="/openapi.json",
    urls_namespace="api-v1",
)


def limit_request_size(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Refuse large bodies before anything reads them."""

    @functools.wraps(run)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return JsonResponse({"detail": "the Content-Length header is not a number"}, status=400)
        if length > MAX_REQUEST_BYTES:
            return JsonResponse(
                {"detail": f"the request is larger than {MAX_REQUEST_BYTES} bytes"}, status=413
            )
        return run(request, *args, **kwargs)

    return checked


api.add_decorator(limit_request_size, mode="view")
api.add_router("/tickets", tickets.router)
api.add_router("/tickets", messages.router)
api.add_router("/", triage.router)


def _error(request: HttpRequest, status: int, detail: str, **extra: Any) -> HttpResponse:
    return api.create_response(request, {"detail": detail, **extra}, status=status)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    # ninja's default puts pydantic's raw errors in "detail"; they can hold exception objects
    # that do not serialise, and clients expect "detail" to be text.
    errors = [
        {"loc": [str(part) for part in e.get("loc", ())], "msg": str(e.get("msg", ""))}
        for e in exc.errors
    ]
    detail = "; ".join(f"{'.'.join(e['loc'])}: {e['msg']}" for e in errors) or "invalid input"
    return _error(request, 422, detail, errors=errors)


@api.exception_handler(Http404)
def _missing(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, str(exc) or "not found")


@api.exception_handler(ActionError)
def _action_refused(request: HttpRequest, exc: ActionError) -> HttpResponse:
    return _error(request, 400, str(exc))


@api.exception_handler(CorrectionError)
def _correction_refused(request: HttpRequest, exc: CorrectionError) -> HttpResponse:
    return _error(request, 400, str(exc))


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return _error(request, 413, "the request is too large")
