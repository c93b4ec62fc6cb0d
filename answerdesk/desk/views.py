"""The desk's pages. Each view checks access, validates its form and calls one action."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from answerdesk.blob_store import default_store
from answerdesk.desk import inbox as inboxes
from answerdesk.desk.attachments import download_headers, safe_filename
from answerdesk.desk.forms import (
    BulkForm,
    CallLogForm,
    CorrectionForm,
    MergeForm,
    NoteForm,
    PreferencesForm,
    ReplyForm,
    TicketUpdateForm,
    kind_choices,
)
from answerdesk.desk.models import Notification
from answerdesk.desk.paging import TicketPaginator
from answerdesk.desk.preferences import save_preferences
from answerdesk.desk.search import add_snippets, search_tickets
from answerdesk.learning.actions import CorrectionError
from answerdesk.portal.actions import callbacks_for
from answerdesk.replies.actions import as_json
from answerdesk.tickets import actions
from answerdesk.tickets.access import (
    access_attachment_by_id,
    access_ticket_by_id,
    assignable_agents,
    is_supervisor,
    may_assign,
    may_merge,
    role_of,
    visible_tickets,
)
from answerdesk.tickets.models import AgentProfile, SatisfactionRating, Ticket, parse_reference

PAGE_SIZE = 50


def _me(request: HttpRequest) -> int:
    return int(request.user.pk or 0)


def _staff(request: HttpRequest) -> None:
    if role_of(request.user) is None:
        raise Http404("not a member of the desk")


def _layout(request: HttpRequest) -> dict[str, Any]:
    """What every desk page shows around its content: the views with their counts."""
    now = timezone.now()
    visible = visible_tickets(request.user)
    return {
        "views": inboxes.VIEWS,
        "counts": inboxes.counts(visible, request.user, now),
        "kind_labels": dict(kind_choices()),
        "unread": Notification.objects.filter(user_id=_me(request), read_at__isnull=True).count(),
        "is_supervisor": is_supervisor(request.user),
        "now": now,
    }


@login_required
@require_GET
def inbox(request: HttpRequest, view: str = "mine") -> HttpResponse:
    _staff(request)
    chosen = inboxes.VIEWS.get(view)
    if chosen is None:
        raise Http404("no such view")
    filters = inboxes.Filters.from_query(request.GET)
    sort = request.GET.get("sort", "due")
    now = timezone.now()
    tickets = inboxes.inbox(visible_tickets(request.user), chosen, filters, sort, request.user, now)
    page = TicketPaginator(tickets, PAGE_SIZE).get_page(request.GET.get("page"))
    layout = _layout(request)
    context = {
        **layout,
        "view": chosen,
        "page": page,
        "rows": inboxes.rows(page.object_list, now, layout["kind_labels"]),
        "filters": filters,
        "query": filters.as_query(),
        "sort": sort,
        "sorts": inboxes.SORTS,
        "statuses": Ticket.Status.choices,
        "priorities": Ticket.Priority.choices,
        "agents": assignable_agents(),
        "bulk": BulkForm(),
    }
    return render(request, "desk/inbox.html", context)


@login_required
@require_GET
def ticket(request: HttpRequest, pk: int) -> HttpResponse:
    found = access_ticket_by_id(request.user, pk)
    return _ticket_page(request, found, reply=ReplyForm(), unanswered=None)


def _ticket_page(
    request: HttpRequest,
    found: Ticket,
    *,
    reply: ReplyForm,
    unanswered: list[actions.OpenAsk] | None,
    status: int = 200,
) -> HttpResponse:
    from answerdesk.desk.ticket_page import ticket_page  # loads the suggestion models

    page = ticket_page(found, request.user, show_images=request.GET.get("images") == "1")
    layout = _layout(request)
    context = {
        **layout,
        "clock": inboxes.first_response_clock(found, layout["now"]),
        "page": page,
        "ticket": found,
        "reply": reply,
        "note": NoteForm(),
        "correction": CorrectionForm(initial={"kind": found.kind, "language": found.language}),
        "merge": MergeForm(),
        "unanswered": unanswered,
        "agents": assignable_agents(),
        "statuses": Ticket.Status.choices,
        "priorities": Ticket.Priority.choices,
        "callbacks": callbacks_for(found),
        "call_log": CallLogForm(),
        "rating": SatisfactionRating.objects.filter(ticket=found).first(),
    }
    return render(request, "desk/ticket.html", context, status=status)


def _back(found: Ticket) -> HttpResponse:
    return redirect("desk:ticket", pk=found.pk)


@login_required
@require_POST
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    found = access_ticket_by_id(request.user, pk)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return _ticket_page(request, found, reply=form, unanswered=None, status=400)
    try:
        actions.send_reply(
            found,
            author=request.user,  # type: ignore[arg-type]
            body=form.cleaned_data["body"],
            confirm_unanswered=form.cleaned_data["confirm_unanswered"],
            status=form.cleaned_data["status"],
        )
    except actions.UnansweredAsks as stopped:
        # The gate: the draft comes back with the asks it leaves unanswered.
        return _ticket_page(request, found, reply=form, unanswered=stopped.asks, status=409)
    except actions.ActionError as error:
        messages.error(request, str(error))
        return _ticket_page(request, found, reply=form, unanswered=None, status=400)
    messages.success(request, _("Reply queued for %(to)s.") % {"to": found.reference})
    return _back(found)


@login_required
@require_POST
def check(request: HttpRequest, pk: int) -> JsonResponse:
    """The composer's live check: which open asks the draft answers."""
    found = access_ticket_by_id(request.user, pk)
    body = request.POST.get("body", "")[: actions.MAX_BODY_CHARS]
    asks, result = actions.check_draft(found, body)
    payload = as_json(result)
    for row, ask in zip(payload["asks"], asks, strict=True):
        row["message"] = ask.message_id
    return JsonResponse(payload)


@login_required
@require_POST
def note(request: HttpRequest, pk: int) -> HttpResponse:
    found = access_ticket_by_id(request.user, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        actions.add_note(found, author=request.user, body=form.cleaned_data["body"])  # type: ignore[arg-type]
        messages.success(request, _("Note added."))
    else:
        messages.error(request, _("The note is empty or too long."))
    return _back(found)


def _assignee(request: HttpRequest, value: str, current: int | None) -> Any:
    """The user to assign to ("none": nobody), if this user may (tickets.access.may_assign)."""
    if value in ("", "none"):
        return None
    if not value.isdigit():
        raise actions.ActionError(_("Unknown agent."))
    agent = assignable_agents().filter(pk=int(value)).first()
    if agent is None:
        raise actions.ActionError(_("Unknown agent."))
    if not may_assign(request.user, current, agent.pk):
        raise actions.ActionError(_("Only a supervisor may assign tickets to someone else."))
    return agent


@login_required
@require_POST
def update(request: HttpRequest, pk: int) -> HttpResponse:
    found = access_ticket_by_id(request.user, pk)
    form = TicketUpdateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Invalid change."))
        return _back(found)
    data, user = form.cleaned_data, request.user
    try:
        if data["status"]:
            actions.set_status(found, data["status"], by=user)  # type: ignore[arg-type]
        if data["priority"] is not None:
            actions.set_priority(found, data["priority"], by=user)  # type: ignore[arg-type]
        if "assignee" in request.POST:
            assignee = _assignee(request, data["assignee"], found.assignee_id)
            actions.assign(found, assignee, by=user)  # type: ignore[arg-type]
    except actions.ActionError as error:
        messages.error(request, str(error))
    return _back(found)


@login_required
@require_POST
def correct(request: HttpRequest, pk: int) -> HttpResponse:
    found = access_ticket_by_id(request.user, pk)
    form = CorrectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown kind or language."))
        return _back(found)
    try:
        changed = actions.correct_ticket(
            found,
            by=request.user,  # type: ignore[arg-type]
            kind=form.cleaned_data["kind"] or None,
            language=form.cleaned_data["language"] or None,
        )
    except (actions.ActionError, CorrectionError) as error:
        messages.error(request, str(error))
    else:
        if changed:
            messages.success(request, _("Correction recorded: the models will learn from it."))
    return _back(found)


@login_required
@require_POST
def merge(request: HttpRequest, pk: int) -> HttpResponse:
    found = access_ticket_by_id(request.user, pk)
    if not may_merge(request.user):
        messages.error(request, _("Only a supervisor may merge tickets."))
        return _back(found)
    form = MergeForm(request.POST)
    number = parse_reference(form.cleaned_data["into"]) if form.is_valid() else None
    if number is None:
        messages.error(request, _("Give the reference of the ticket to merge into."))
        return _back(found)
    target = access_ticket_by_id(request.user, number)
    try:
        actions.merge(found, target, by=request.user)  # type: ignore[arg-type]
    except actions.ActionError as error:
        messages.error(request, str(error))
        return _back(found)
    messages.success(
        request, _("%(a)s merged into %(b)s.") % {"a": found.reference, "b": target.reference}
    )
    return _back(target)


@login_required
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    _staff(request)
    form = BulkForm(request.POST)
    back = request.POST.get("next", "")
    if not back.startswith("/desk/"):
        back = reverse("desk:home")
    if not form.is_valid():
        messages.error(request, _("Choose tickets and an action."))
        return redirect(back)
    data, user = form.cleaned_data, request.user
    done = 0
    try:
        # Checked as for an unassigned ticket: an agent sees no one else's.
        assignee = _assignee(request, data["value"], None) if data["action"] == "assign" else None
        for found in visible_tickets(user).filter(pk__in=data["tickets"]).order_by("pk"):
            if data["action"] == "assign":
                done += actions.assign(found, assignee, by=user)  # type: ignore[arg-type]
            elif data["action"] == "status":
                done += actions.set_status(found, data["value"], by=user)  # type: ignore[arg-type]
            else:
                done += actions.correct_ticket(found, by=user, kind=data["value"])  # type: ignore[arg-type]
    except (actions.ActionError, CorrectionError) as error:
        messages.error(request, str(error))
    messages.success(request, _("%(n)d ticket(s) changed.") % {"n": done})
    return redirect(back)


@login_required
@require_GET
def attachment(request: HttpRequest, pk: int) -> HttpResponseBase:
    found = access_attachment_by_id(request.user, pk)
    path = default_store().path(found.sha256)
    if not path.exists():
        raise Http404("the file is missing from the store")
    content_type, as_attachment = download_headers(found.content_type, found.filename)
    response = FileResponse(
        path.open("rb"),
        content_type=content_type,
        as_attachment=as_attachment,
        filename=safe_filename(found.filename, f"attachment-{found.pk}"),
    )
    # Even a file shown inline runs nothing: no script, no plugin, no frame of the desk.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    _staff(request)
    query = request.GET.get("q", "")[:200]
    filters = inboxes.Filters.from_query(request.GET)
    page = None
    if query.strip():
        found = search_tickets(query, filters.apply(visible_tickets(request.user)))
        page = TicketPaginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
        add_snippets(query, page)
    context = {**_layout(request), "q": query, "page": page, "filters": filters}
    return render(request, "desk/search.html", context)


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    _staff(request)
    profile = AgentProfile.objects.filter(user_id=_me(request)).first()
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            save_preferences(request.user, **form.cleaned_data)  # type: ignore[arg-type]
            messages.success(request, _("Preferences saved."))
            return redirect("desk:preferences")
    else:
        initial = {}
        if profile is not None:
            initial = {
                "ui_language": profile.ui_language,
                "time_zone": profile.time_zone,
                "signature": profile.signature,
            }
        form = PreferencesForm(initial=initial)
    return render(request, "desk/preferences.html", {**_layout(request), "form": form})


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    _staff(request)
    mine = Notification.objects.filter(user_id=_me(request)).select_related("ticket")
    if request.method == "POST":
        mine.filter(read_at__isnull=True).update(read_at=timezone.now())
        return redirect("desk:notifications")
    return render(
        request, "desk/notifications.html", {**_layout(request), "notifications": mine[:100]}
    )


def home(request: HttpRequest) -> HttpResponse:
    return redirect("desk:inbox", view="mine")
