"""Admin pages for what the desk keeps: canned replies (notifications are read-only)."""

from __future__ import annotations

from django.contrib import admin

from answerdesk.desk.models import CannedReply, Notification


@admin.register(CannedReply)
class CannedReplyAdmin(admin.ModelAdmin[CannedReply]):
    list_display = ["title", "language", "active"]
    list_filter = ["language", "active"]
    search_fields = ["title", "body"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin[Notification]):
    list_display = ["created_at", "user", "text", "read_at"]
    list_filter = ["read_at"]
    readonly_fields = ["created_at", "user", "ticket", "text", "read_at"]

    def has_add_permission(self, request: object) -> bool:
        return False
