"""App config for replies: what agents send back, checked for completeness first."""

from django.apps import AppConfig


class RepliesConfig(AppConfig):
    name = "answerdesk.replies"
    verbose_name = "Replies"
