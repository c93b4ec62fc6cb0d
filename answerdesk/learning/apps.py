"""App config for learning: what agents teach the desk about the mail it reads."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "answerdesk.learning"
    verbose_name = _("Learning")
