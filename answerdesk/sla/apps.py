"""App config for service levels: business hours, holidays and first-response targets."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "answerdesk.sla"
    verbose_name = _("Service levels")
