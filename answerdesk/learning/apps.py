"""App config for learning: what agents teach the desk about the mail it reads."""

from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "answerdesk.learning"
    verbose_name = "Learning"
