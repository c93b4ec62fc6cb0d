"""App config for the portal: the public pages customers use (FAQ, contact, directory)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "answerdesk.portal"
    verbose_name = _("Public portal")
