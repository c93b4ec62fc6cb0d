"""App config for the knowledge base."""

from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "answerdesk.knowledge"
    verbose_name = "Knowledge base"
