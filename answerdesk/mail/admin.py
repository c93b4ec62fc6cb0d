"""Admin pages for raw messages: the quarantine, with a replay action."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from answerdesk.blob_store import default_store
from answerdesk.mail.actions import do_replay
from answerdesk.mail.models import ImapMailbox, RawMessage, SupportAddress


@admin.register(SupportAddress)
class SupportAddressAdmin(admin.ModelAdmin[SupportAddress]):
    list_display = ["email", "name", "active"]
    list_filter = ["active"]
    search_fields = ["email", "name"]


@admin.register(RawMessage)
class RawMessageAdmin(admin.ModelAdmin[RawMessage]):
    list_display = ["pk", "received_at", "state", "size", "source", "reason"]
    list_filter = ["state"]
    search_fields = ["sha256", "source", "reason"]
    # The bytes themselves are not shown: they can be megabytes of base64.
    exclude = ["data"]
    readonly_fields = [f.name for f in RawMessage._meta.fields if f.name != "data"]
    actions = ["replay"]

    @admin.action(description=_("Process the selected messages again"))
    def replay(self, request: HttpRequest, queryset: QuerySet[RawMessage]) -> None:
        todo = queryset.exclude(state=RawMessage.State.PROCESSED)
        counts = do_replay(list(todo), store=default_store())
        still = counts.get(RawMessage.State.QUARANTINED, 0)
        self.message_user(
            request,
            _("%(n)d replayed, %(q)d still quarantined") % {"n": sum(counts.values()), "q": still},
            messages.WARNING if still else messages.SUCCESS,
        )


class ImapMailboxForm(forms.ModelForm[ImapMailbox]):
    class Meta:
        model = ImapMailbox
        fields = [
            "name",
            "active",
            "host",
            "port",
            "security",
            "username",
            "password",
            "folder",
            "after_fetch",
            "move_to",
        ]
        # Kept on editing (the field is required) but not shown on screen.
        widgets = {"password": forms.PasswordInput(render_value=True)}


@admin.register(ImapMailbox)
class ImapMailboxAdmin(admin.ModelAdmin[ImapMailbox]):
    form = ImapMailboxForm
    list_display = ["name", "username", "host", "folder", "after_fetch", "active", "last_uid"]
    list_filter = ["active"]
    search_fields = ["name", "username", "host"]
    # The poller's bookkeeping: editing it by hand could skip messages.
    readonly_fields = ["uidvalidity", "last_uid"]
