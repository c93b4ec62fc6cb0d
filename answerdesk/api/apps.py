"""App config for the REST API."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "answerdesk.api"
    label = "api"
    verbose_name = "API"
