"""The portal's pages: thin, every decision is in actions.py."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from answerdesk.blob_store import default_store
from answerdesk.portal import actions
from answerdesk.portal.forms import (
    CallbackForm,
    ContactForm,
    MessageForm,
    StatusReplyForm,
    SurveyForm,
)
from answerdesk.portal.intake import Submitted
from answerdesk.portal.robots import Refused, submission_limit
from answerdesk.tickets.models import Message
from answerdesk.tickets.status_links import (
    LinkRefused,
    status_token,
    ticket_for_status,
    ticket_for_survey,
)

# Room for the form's text fields around the largest attachments allowed.
_BODY_SLACK = 256 * 1024


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")


def _client(request: HttpRequest) -> str:
    return "ip:" + str(request.META.get("REMOTE_ADDR", ""))


def _too_large(request: HttpRequest) -> HttpResponse | None:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > settings.ANSWERDESK_PORTAL_MAX_TOTAL_BYTES + _BODY_SLACK:
        context = {"reason": _("What you sent is too large. Attach fewer or smaller files.")}
        return render(request, "portal/refused.html", context, status=413)
    return None


def _received(submitted: Submitted) -> HttpResponse:
    if submitted.ticket is None:
        return redirect("portal:received_pending")
    return redirect("portal:received", token=status_token(submitted.ticket))


def _limited(request: HttpRequest, form: MessageForm | CallbackForm, email: str) -> bool:
    """Count this submission; when over the limit, say so on the form."""
    try:
        submission_limit().hit(_client(request), "email:" + email.lower() if email else "")
    except Refused as refused:
        form.add_error(None, str(refused))
        return True
    return False


@require_http_methods(["GET", "POST"])
def contact(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if (refused := _too_large(request)) is not None:
            return refused
        form = ContactForm(request.POST, request.FILES)
        if form.is_valid() and not _limited(request, form, form.cleaned_data["email"]):
            data = form.cleaned_data
            submitted = actions.do_contact(
                name=data["name"],
                email=data["email"],
                subject=data["subject"],
                message=data["message"],
                files=data["attachments"],
                language=request.LANGUAGE_CODE,
            )
            return _received(submitted)
        status = 400
    else:
        form, status = ContactForm(), 200
    return render(request, "portal/contact.html", {"form": form}, status=status)


def received(request: HttpRequest, token: str) -> HttpResponse:
    try:
        ticket = ticket_for_status(token)
    except LinkRefused as refused:
        return _link_refused(request, str(refused))
    first = (
        ticket.messages.filter(direction=Message.Direction.INBOUND)
        .order_by("sent_at", "pk")
        .first()
    )
    context = {
        "ticket": ticket,
        "token": token,
        "asks": actions.suggestions_for(first),
        "callbacks": actions.callbacks_for(ticket),
    }
    return render(request, "portal/received.html", context)


def received_pending(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/received_pending.html")


@require_http_methods(["GET", "POST"])
def callback(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if (refused := _too_large(request)) is not None:
            return refused
        form = CallbackForm(request.POST)
        if form.is_valid() and not _limited(request, form, form.cleaned_data["email"]):
            data = form.cleaned_data
            submitted, _request = actions.do_request_callback(
                name=data["name"],
                phone=data["phone"],
                email=data["email"],
                slot=data["slot"],
                topic=data["topic"],
                preferred_date=data["preferred_date"],
                language=request.LANGUAGE_CODE,
            )
            return _received(submitted)
        status = 400
    else:
        form, status = CallbackForm(), 200
    return render(request, "portal/callback.html", {"form": form}, status=status)


def team(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/team.html", {"cards": actions.directory()})


@require_http_methods(["GET", "POST"])
def member(request: HttpRequest, pk: int) -> HttpResponse:
    card = actions.listed_entry(pk)
    if card is None:
        raise Http404
    if request.method == "POST":
        if (refused := _too_large(request)) is not None:
            return refused
        form = MessageForm(request.POST)
        if form.is_valid() and not _limited(request, form, form.cleaned_data["email"]):
            data = form.cleaned_data
            submitted = actions.do_write_to_staff(
                card.entry,
                name=data["name"],
                email=data["email"],
                subject=data["subject"],
                message=data["message"],
                language=request.LANGUAGE_CODE,
            )
            return _received(submitted)
        status = 400
    else:
        form, status = MessageForm(), 200
    return render(request, "portal/member.html", {"card": card, "form": form}, status=status)


def member_photo(request: HttpRequest, pk: int) -> FileResponse:
    card = actions.listed_entry(pk)
    if card is None or not card.entry.photo_sha256:
        raise Http404
    path = default_store().path(card.entry.photo_sha256)
    if not path.exists():
        raise Http404
    response = FileResponse(path.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "public, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _link_refused(request: HttpRequest, why: str) -> HttpResponse:
    reasons = {
        "expired": _("This link has expired."),
        "revoked": _("This link is no longer valid: a newer one was sent to you."),
    }
    context = {
        "reason": reasons.get(why, _("This link is not valid.")),
        "hint": _(
            "To follow your request, reply to our last email, or write to us again: "
            "keep your reference in the subject."
        ),
    }
    return render(request, "portal/refused.html", context, status=403 if why != "forged" else 404)


@require_http_methods(["GET", "POST"])
def status(request: HttpRequest, token: str) -> HttpResponse:
    try:
        ticket = ticket_for_status(token)
    except LinkRefused as refused:
        return _link_refused(request, str(refused))
    code = 200
    if request.method == "POST":
        form = StatusReplyForm(request.POST)
        if form.is_valid():
            try:
                submission_limit().hit(_client(request), f"ticket:{ticket.pk}")
            except Refused as refused:
                form.add_error(None, str(refused))
            else:
                actions.do_status_reply(
                    ticket, text=form.cleaned_data["message"], language=request.LANGUAGE_CODE
                )
                messages.success(request, _("Your message was added to your request."))
                return redirect(reverse("portal:status", args=[token]))
        code = 400
    else:
        form = StatusReplyForm()
    context = {
        "ticket": ticket,
        "thread": actions.public_thread(ticket),
        "form": form,
        "token": token,
        "callbacks": actions.callbacks_for(ticket),
    }
    return render(request, "portal/status.html", context, status=code)


@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, token: str) -> HttpResponse:
    try:
        ticket = ticket_for_survey(token)
    except LinkRefused as refused:
        return _link_refused(request, str(refused))
    if request.method == "POST":
        form = SurveyForm(request.POST)
        if form.is_valid():
            actions.do_rate(
                ticket, score=form.cleaned_data["score"], comment=form.cleaned_data["comment"]
            )
            return render(request, "portal/survey_done.html", {"ticket": ticket})
        code = 400
    else:
        # The score chosen in the mail is only pre-selected: opening a link records nothing,
        # since mail scanners open links too.
        score = request.GET.get("score", "")
        form = SurveyForm(initial={"score": int(score)} if score in "12345" and score else {})
        code = 200
    return render(request, "portal/survey.html", {"ticket": ticket, "form": form}, status=code)
