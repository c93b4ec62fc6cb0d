"""App config for the live chat: the website widget and the desk's chats page, over websockets."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChatConfig(AppConfig):
    name = "answerdesk.chat"
    verbose_name = _("Live chat")
