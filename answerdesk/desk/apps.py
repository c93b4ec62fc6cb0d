"""App config for the desk: the web application the support team works in."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    name = "answerdesk.desk"
    verbose_name = _("Desk")
