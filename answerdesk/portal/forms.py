"""The portal's forms: what a visitor may send, with limits and clear refusals."""

from __future__ import annotations

import datetime as dt
from pathlib import PurePosixPath
from typing import Any

import phonenumbers
from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from answerdesk.portal.models import CallbackRequest
from answerdesk.portal.robots import Refused, check_honeypot, check_stamp, issue_stamp

MAX_MESSAGE_CHARS = 20_000
# Files a browser or mail client could run, or render as a page of this site.
_REFUSED_EXTENSIONS = {
    ".exe", ".com", ".bat", ".cmd", ".scr", ".msi", ".msp", ".pif", ".cpl", ".dll", ".js",
    ".jse", ".vbs", ".vbe", ".wsf", ".wsh", ".ps1", ".psm1", ".jar", ".hta", ".lnk", ".reg",
    ".html", ".htm", ".xhtml", ".svg", ".sh", ".app", ".dmg", ".apk", ".iso",
}  # fmt: skip


class PortalForm(forms.Form):
    """Every public form: a honeypot field and the signed time the form was served."""

    # Named like a field robots love to fill; hidden from people by CSS and from screen
    # readers by aria-hidden (the template), never shown or stored.
    website = forms.CharField(required=False, label=_("Leave this field empty"), max_length=200)
    issued = forms.CharField(widget=forms.HiddenInput, required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        if not self.is_bound:
            self.initial["issued"] = issue_stamp()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        try:
            check_honeypot(cleaned.get("website", ""))
            check_stamp(cleaned.get("issued", ""))
        except Refused as refused:
            # Served again with a fresh stamp, so the person can simply send it again.
            self.data = {**dict(self.data.items()), "issued": issue_stamp()}
            raise forms.ValidationError(str(refused), code="robot") from refused
        return cleaned


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several files, each checked; refused whole with a message naming the file."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]
        if len(files) > settings.ANSWERDESK_PORTAL_MAX_FILES:
            raise forms.ValidationError(
                _("At most %(n)d files, please.") % {"n": settings.ANSWERDESK_PORTAL_MAX_FILES}
            )
        total = 0
        for upload in files:
            super().clean(upload, initial)
            name = upload.name or ""
            if PurePosixPath(name.lower()).suffix in _REFUSED_EXTENSIONS:
                raise forms.ValidationError(
                    _("%(name)s: this kind of file is not accepted.") % {"name": name[:100]}
                )
            if (upload.size or 0) > settings.ANSWERDESK_PORTAL_MAX_FILE_BYTES:
                raise forms.ValidationError(
                    _("%(name)s is larger than %(limit)s.")
                    % {
                        "name": name[:100],
                        "limit": filesizeformat(settings.ANSWERDESK_PORTAL_MAX_FILE_BYTES),
                    }
                )
            total += upload.size or 0
        if total > settings.ANSWERDESK_PORTAL_MAX_TOTAL_BYTES:
            raise forms.ValidationError(
                _("The files together are larger than %(limit)s.")
                % {"limit": filesizeformat(settings.ANSWERDESK_PORTAL_MAX_TOTAL_BYTES)}
            )
        return files


class MessageForm(PortalForm):
    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("Your email address"), max_length=320)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    message = forms.CharField(
        label=_("Your message"),
        max_length=MAX_MESSAGE_CHARS,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Ask as many questions as you like: we answer each one."),
    )


class ContactForm(MessageForm):
    attachments = AttachmentsField(
        label=_("Attachments"),
        required=False,
        help_text=_("Up to 3 files, 5 MB each (photos, PDF, documents)."),
    )


def e164(value: str, region: str) -> str:
    """The number in E.164 (+33612345678), or a ValidationError saying what is wrong."""
    try:
        number = phonenumbers.parse(value[:40], region)
    except phonenumbers.NumberParseException as exc:
        raise forms.ValidationError(_("This is not a phone number.")) from exc
    if not phonenumbers.is_valid_number(number):
        raise forms.ValidationError(
            _("This number does not exist. Please check it, with the country code if abroad.")
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class CallbackForm(PortalForm):
    name = forms.CharField(label=_("Your name"), max_length=200)
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=40,
        help_text=_("With the country code if you are abroad, e.g. +32 2 123 45 67."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label=_("Email address (optional)"),
        required=False,
        max_length=320,
        help_text=_("To receive the reference of your request."),
    )
    preferred_date = forms.DateField(
        label=_("Preferred day (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    slot = forms.ChoiceField(label=_("Preferred time"), choices=CallbackRequest.Slot.choices)
    topic = forms.CharField(label=_("What is it about?"), max_length=200)

    def clean_phone(self) -> str:
        return e164(self.cleaned_data["phone"], settings.ANSWERDESK_PHONE_REGION)

    def clean_preferred_date(self) -> dt.date | None:
        day: dt.date | None = self.cleaned_data.get("preferred_date")
        today = timezone.localdate()
        if day is not None and not today <= day <= today + dt.timedelta(days=60):
            raise forms.ValidationError(_("Choose a day within the next two months."))
        return day


class StatusReplyForm(forms.Form):
    # The status page is reached through a signed link: no robot checks, but a rate limit.
    message = forms.CharField(
        label=_("Add to your request"),
        max_length=MAX_MESSAGE_CHARS,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class SurveyForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Your score"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Anything to add? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
