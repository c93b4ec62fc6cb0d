"""The desk's chats page: waiting and active live chats, answered in place (desk/chat.js
talks to answerdesk.chat over a websocket; this view only lays the page out)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from answerdesk.chat.strings import desk_strings
from answerdesk.desk.views import _layout, _staff


@login_required
@require_GET
def chats(request: HttpRequest) -> HttpResponse:
    _staff(request)
    context = {**_layout(request), "chat_strings": desk_strings()}
    return render(request, "desk/chats.html", context)
