"""App config for mail intake."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    name = "answerdesk.mail"
    verbose_name = _("Mail intake")
