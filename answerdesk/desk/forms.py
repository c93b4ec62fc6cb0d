"""The desk's forms: what a POST may contain, checked before any action runs."""

from __future__ import annotations

import zoneinfo
from functools import cache
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from answerdesk.learning.actions import LANGUAGES, known_kinds
from answerdesk.portal.models import CallbackRequest
from answerdesk.portal.photos import MAX_UPLOAD_BYTES, PhotoRefused, reencode
from answerdesk.tickets.actions import MAX_BODY_CHARS
from answerdesk.tickets.models import Ticket

REPLY_STATUSES = [
    (Ticket.Status.WAITING, _("Waiting on customer")),
    (Ticket.Status.OPEN, _("Open")),
    (Ticket.Status.SOLVED, _("Solved")),
]


def kind_choices() -> list[tuple[str, str]]:
    labels = dict(Ticket.Kind.choices)
    return [(k, str(labels.get(k, k))) for k in known_kinds()]


class ReplyForm(forms.Form):
    body = forms.CharField(max_length=MAX_BODY_CHARS, widget=forms.Textarea, strip=False)
    status = forms.ChoiceField(choices=REPLY_STATUSES, initial=Ticket.Status.WAITING)
    confirm_unanswered = forms.BooleanField(required=False)


class NoteForm(forms.Form):
    body = forms.CharField(max_length=MAX_BODY_CHARS, widget=forms.Textarea)


class TicketUpdateForm(forms.Form):
    """Status, priority and assignee: a blank field is left as it is."""

    status = forms.ChoiceField(choices=[("", "—"), *Ticket.Status.choices], required=False)
    priority = forms.TypedChoiceField(
        choices=[("", "—"), *Ticket.Priority.choices], coerce=int, required=False, empty_value=None
    )
    # A user id, or "none" to unassign; validated against the assignable agents by the view.
    assignee = forms.CharField(max_length=20, required=False)


class CorrectionForm(forms.Form):
    kind = forms.ChoiceField(choices=(), required=False)
    language = forms.ChoiceField(
        choices=[("", "—"), *((x, _("other") if x == "other" else x) for x in LANGUAGES)],
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "—"), *kind_choices()]  # type: ignore[attr-defined]


class MergeForm(forms.Form):
    into = forms.CharField(max_length=40, label=_("Merge into ticket"))


class BulkForm(forms.Form):
    ACTIONS = [("assign", _("Assign")), ("status", _("Status")), ("kind", _("Kind"))]
    tickets = forms.CharField(max_length=20_000)  # ids separated by commas
    action = forms.ChoiceField(choices=ACTIONS)
    value = forms.CharField(max_length=40, required=False)

    def clean_tickets(self) -> list[int]:
        raw = self.cleaned_data["tickets"]
        ids = [part.strip() for part in raw.split(",") if part.strip()]
        if not ids or not all(i.isdigit() and len(i) <= 12 for i in ids):
            raise forms.ValidationError(_("Choose tickets first."))
        return [int(i) for i in ids[:500]]


@cache
def time_zone_choices() -> list[tuple[str, StrOrPromise]]:
    return [("", _("Site default")), *((z, z) for z in sorted(zoneinfo.available_timezones()))]


class PreferencesForm(forms.Form):
    ui_language = forms.ChoiceField(
        choices=[("", _("As my browser")), *settings.LANGUAGES], required=False
    )
    time_zone = forms.ChoiceField(choices=(), required=False)
    signature = forms.CharField(max_length=2000, widget=forms.Textarea, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = time_zone_choices()  # type: ignore[attr-defined]


class CallLogForm(forms.Form):
    callback = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=CallbackRequest.Outcome.choices)
    note = forms.CharField(
        label=_("Call notes"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DirectoryEntryForm(forms.Form):
    listed = forms.BooleanField(label=_("Show me in the public staff directory"), required=False)
    display_name = forms.CharField(label=_("Name shown"), max_length=100)
    job_title = forms.CharField(label=_("Job title"), max_length=100, required=False)
    bio = forms.CharField(
        label=_("Short bio"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    topics = forms.CharField(
        label=_("Topics I like to discuss"),
        max_length=2000,
        required=False,
        help_text=_("Separated by commas. Tickets on these topics are routed to you."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages I answer in"),
        choices=settings.LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    photo = forms.FileField(label=_("Photo"), required=False)
    remove_photo = forms.BooleanField(label=_("Remove my photo"), required=False)

    def clean_photo(self) -> bytes | None:
        upload = self.cleaned_data.get("photo")
        if not upload:
            return None
        data: bytes = upload.read(MAX_UPLOAD_BYTES + 1)
        try:
            reencode(data)  # checked here for the message; the action re-encodes it
        except PhotoRefused as refused:
            raise forms.ValidationError(
                _("This photo cannot be used: %(why)s.") % {"why": refused}
            ) from refused
        return data
