"""The desk's side of the portal: logging a callback, revoking a customer's links, and each
staff member's own entry in the public directory."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from answerdesk.desk.forms import CallLogForm, DirectoryEntryForm
from answerdesk.desk.views import _layout, _staff
from answerdesk.portal import actions as portal
from answerdesk.portal.photos import PhotoRefused
from answerdesk.tickets.access import access_ticket_by_id
from answerdesk.tickets.models import AgentProfile


@login_required
@require_POST
def log_call(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = access_ticket_by_id(request.user, pk)
    form = CallLogForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The call could not be logged: choose an outcome."))
        return redirect("desk:ticket", pk=ticket.pk)
    callback = portal.callbacks_for(ticket).filter(pk=form.cleaned_data["callback"]).first()
    if callback is None:
        raise Http404("no such callback request on this ticket")
    portal.log_call(
        callback,
        ticket,
        outcome=form.cleaned_data["outcome"],
        note=form.cleaned_data["note"],
        by=request.user,  # type: ignore[arg-type]
    )
    messages.success(request, _("Call logged."))
    return redirect("desk:ticket", pk=ticket.pk)


@login_required
@require_POST
def revoke_links(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = access_ticket_by_id(request.user, pk)
    portal.do_revoke_links(ticket, by=request.user)  # type: ignore[arg-type]
    messages.success(request, _("The customer's status and survey links no longer work."))
    return redirect("desk:ticket", pk=ticket.pk)


@login_required
def directory_entry(request: HttpRequest) -> HttpResponse:
    """The staff member's own public profile: nobody edits someone else's."""
    _staff(request)
    entry = portal.entry_for(request.user)  # type: ignore[arg-type]
    profile = AgentProfile.objects.filter(user_id=int(request.user.pk or 0)).first()
    if request.method == "POST":
        form = DirectoryEntryForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                portal.save_directory_entry(
                    request.user,  # type: ignore[arg-type]
                    listed=data["listed"],
                    display_name=data["display_name"],
                    job_title=data["job_title"],
                    bio=data["bio"],
                    topics=data["topics"],
                    languages=data["languages"],
                    photo=data["photo"],
                    remove_photo=data["remove_photo"],
                )
            except PhotoRefused as refused:
                form.add_error("photo", str(refused))
            else:
                messages.success(request, _("Your public profile is saved."))
                return redirect("desk:directory_entry")
    else:
        form = DirectoryEntryForm(
            initial={
                "listed": entry.listed,
                "display_name": entry.display_name,
                "job_title": entry.job_title,
                "bio": entry.bio,
                "topics": profile.topics if profile else "",
                "languages": profile.languages if profile else [],
            }
        )
    context = {**_layout(request), "form": form, "entry": entry}
    return render(request, "desk/directory_entry.html", context)
