"""Every word the widget and the desk's chats page show, translated on the server.

The widget runs on other sites, where no Django template renders it: its strings come in
the visitor's language inside widget.js, and refusals come over the socket in the language
the widget said hello in.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from answerdesk.chat.frames import ErrorCode


def widget_strings() -> dict[str, str]:
    """In the active language."""
    return {
        "open": _("Chat with us"),
        "title": _("Live chat"),
        "close": _("Close"),
        "online": _("An agent is online."),
        "offline": _(
            "No agent is online right now: leave us a message and we will answer by email."
        ),
        "connecting": _("Connecting…"),
        "disconnected": _("Connection lost. Reconnecting…"),
        "name": _("Your name"),
        "email": _("Your email address"),
        "subject": _("Subject"),
        "first": _("How can we help?"),
        "start": _("Start the chat"),
        "leave": _("Send the message"),
        "placeholder": _("Write a message…"),
        "send": _("Send"),
        "end": _("End the chat"),
        "ended": _("The chat has ended. Its transcript is kept with your request."),
        "again": _("Start a new chat"),
        "left": _("Thank you: your message is received. Reference: %(reference)s."),
        "left_later": _("Thank you: your message is received. We will answer by email."),
        "waiting": _("Your request %(reference)s is in. An agent will be with you shortly."),
        "joined": _("%(name)s joined the chat."),
        "typing": _("%(name)s is typing…"),
        "agent": _("Agent"),
        "you": _("You"),
        "failed": _("Not sent"),
    }


def desk_strings() -> dict[str, str]:
    """For the desk's chats page (desk/static/desk/chat.js)."""
    return {
        "waiting": _("Waiting"),
        "active": _("With an agent"),
        "ended": _("Ended"),
        "none": _("No chat right now."),
        "pick": _("Choose a chat on the left."),
        "take": _("Take this chat"),
        "end": _("End the chat"),
        "send": _("Send"),
        "placeholder": _("Write to the visitor… (Enter sends, Shift+Enter for a new line)"),
        "visitor_online": _("Visitor connected"),
        "visitor_offline": _("Visitor gone"),
        "typing": _("The visitor is typing…"),
        "asks": _("What the visitor asked"),
        "no_asks": _("No question detected yet."),
        "ticket": _("Open the ticket"),
        "connecting": _("Connecting…"),
        "disconnected": _("Connection lost. Reconnecting…"),
        "taken_by": _("Taken by %(name)s"),
        "failed": _("Not sent"),
    }


def error_text(code: str, language: str = "", limit: int = 0) -> str:
    """The refusal shown to whoever sent a frame the server would not take."""
    with translation.override(language if language in dict(settings.LANGUAGES) else None):
        texts = {
            ErrorCode.TOO_LARGE: _("That message is far too large."),
            ErrorCode.NOT_JSON: _("That frame could not be read."),
            ErrorCode.NOT_OBJECT: _("That frame could not be read."),
            ErrorCode.UNKNOWN_TYPE: _("That request is not known here."),
            ErrorCode.BAD_FIELD: _("That request is missing something or has a wrong value."),
            ErrorCode.EMPTY: _("The message is empty."),
            ErrorCode.BAD_EMAIL: _("Please give a valid email address."),
            "rate_limited": _("You are sending messages too fast. Please wait a moment."),
            "too_many_chats": _(
                "Too many chats were started from your network. "
                "Please try again later, or write to us by email."
            ),
            "too_many_connections": _("Too many chat windows are open from your network."),
            "no_chat": _("There is no chat here. Start one first."),
            "ended": _("This chat has ended."),
            "server": _(
                "Something went wrong on our side; your message was not sent. Please try again."
            ),
        }
        if code == ErrorCode.TOO_LONG:
            limit = limit or settings.ANSWERDESK_CHAT_MAX_CHARS
            return _("That message is too long: at most %(n)d characters.") % {"n": limit}
        return texts.get(code, texts["server"])
