"""App config for tickets."""

from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "answerdesk.tickets"
    verbose_name = "Tickets"
