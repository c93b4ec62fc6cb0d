"""App config for mail intake."""

from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "answerdesk.mail"
    verbose_name = "Mail intake"
