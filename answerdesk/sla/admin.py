"""Admin pages for the business calendar and the first-response targets."""

from __future__ import annotations

from django.contrib import admin

from answerdesk.sla.models import BusinessHours, Holiday, SlaPolicy


@admin.register(BusinessHours)
class BusinessHoursAdmin(admin.ModelAdmin[BusinessHours]):
    list_display = ["weekday", "opens", "closes"]
    list_filter = ["weekday"]


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin[Holiday]):
    list_display = ["date", "name"]
    date_hierarchy = "date"
    search_fields = ["name"]


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin[SlaPolicy]):
    list_display = ["kind", "channel", "first_response_hours", "active"]
    list_filter = ["active", "channel"]
    search_fields = ["kind"]
