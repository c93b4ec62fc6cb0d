"""`answerdesk sla`: escalate tickets whose first-response target passed (see sla/actions.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from answerdesk.sla.actions import escalate_overdue


class Command(BaseCommand):
    help = "Escalate open tickets that got no first response by their due date."

    def handle(self, *args: Any, **options: Any) -> None:
        count = escalate_overdue(timezone.now())
        self.stdout.write(f"tickets escalated: {count}")
