"""App config for replies: what agents send back, checked for completeness first."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepliesConfig(AppConfig):
    name = "answerdesk.replies"
    verbose_name = _("Replies")
