"""Admin pages for contacts, tickets and their timeline (the desk proper comes later)."""

from __future__ import annotations

from django.contrib import admin

from answerdesk.tickets.models import (
    AgentProfile,
    Attachment,
    Contact,
    ContactAddress,
    Message,
    Ticket,
    TicketEvent,
)


class ContactAddressInline(admin.TabularInline[ContactAddress, Contact]):
    model = ContactAddress
    extra = 0


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin[Contact]):
    list_display = ["name", "created_at"]
    search_fields = ["name", "addresses__email"]
    inlines = [ContactAddressInline]


class MessageInline(admin.StackedInline[Message, Ticket]):
    model = Message
    extra = 0
    fields = readonly_fields = (
        "direction",
        "from_email",
        "subject",
        "sent_at",
        "new_text",
        "flags",
    )
    show_change_link = True


class TicketEventInline(admin.TabularInline[TicketEvent, Ticket]):
    model = TicketEvent
    extra = 0
    fields = readonly_fields = ("created_at", "kind", "actor_label", "reason", "data")


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin[Ticket]):
    list_display = ["reference", "subject", "contact", "status", "kind", "language", "created_at"]
    list_filter = ["status", "kind", "language", "channel"]
    search_fields = ["subject", "messages__from_email"]
    date_hierarchy = "created_at"
    inlines = [MessageInline, TicketEventInline]
    raw_id_fields = ["contact", "assignee"]


class AttachmentInline(admin.TabularInline[Attachment, Message]):
    model = Attachment
    extra = 0
    readonly_fields = ["filename", "content_type", "size", "sha256", "inline", "container"]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin[Message]):
    list_display = ["message_id", "ticket", "direction", "from_email", "subject", "sent_at"]
    list_filter = ["direction", "channel"]
    search_fields = ["message_id", "subject", "from_email"]
    raw_id_fields = ["ticket", "sender"]
    inlines = [AttachmentInline]


@admin.register(AgentProfile)
class AgentProfileAdmin(admin.ModelAdmin[AgentProfile]):
    list_display = ["user", "topics", "kinds", "languages", "available", "max_open"]
    list_filter = ["available"]
