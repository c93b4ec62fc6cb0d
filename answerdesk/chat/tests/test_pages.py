"""The HTTP side: widget.js in the visitor's language, the portal's script tag, the desk's
chats page for staff only, under the desk's Content-Security-Policy."""

from __future__ import annotations

import json
import re

import pytest
from django.utils import translation
from django.utils.translation import gettext

from answerdesk.chat.strings import widget_strings


def config_of(script: str) -> dict[str, object]:
    found = re.search(r"const CONFIG = (\{.*?\});\n", script)
    assert found, "the configuration is filled in"
    config: dict[str, object] = json.loads(found.group(1))
    return config


def test_the_widget_script_carries_its_strings_in_english(client):
    response = client.get("/chat/widget.js", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Access-Control-Allow-Origin"] == "*"
    script = response.content.decode()
    assert "__ANSWERDESK_CHAT_CONFIG__" not in script
    config = config_of(script)
    assert config["language"] == "en"
    assert config["strings"]["open"] == "Chat with us"  # type: ignore[index]
    assert config["maxChars"] == 2000
    # The visitor's words only ever go in as text.
    assert "innerHTML" not in script
    assert "insertAdjacentHTML" not in script


@pytest.mark.parametrize("how", ["query", "header"])
def test_the_widget_script_speaks_french_when_asked(client, how):
    if how == "query":
        response = client.get("/chat/widget.js?lang=fr", HTTP_ACCEPT_LANGUAGE="en")
    else:
        response = client.get("/chat/widget.js", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
    config = config_of(response.content.decode())
    assert config["language"] == "fr"
    with translation.override("fr"):
        assert config["strings"] == widget_strings()
        assert config["strings"]["open"] == gettext("Chat with us")  # type: ignore[index]
    assert config["strings"]["open"] != "Chat with us"  # type: ignore[index]


def test_an_unknown_language_falls_back(client):
    config = config_of(
        client.get("/chat/widget.js?lang=xx", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )
    assert config["language"] == "en"


def test_every_portal_page_loads_the_widget(client, db):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<script src="/chat/widget.js?lang=fr" defer></script>' in page
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<script src="/chat/widget.js?lang=en" defer></script>' in page


def test_the_chats_page_is_for_staff(client, make_staff, django_user_model):
    assert client.get("/desk/chats/").status_code == 302  # to the login page
    customer = django_user_model.objects.create_user("mallory", "m@example.com", "pw")
    client.force_login(customer)
    assert client.get("/desk/chats/").status_code == 404
    client.force_login(make_staff("agent", "camille"))
    response = client.get("/desk/chats/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "/static/desk/chat.js" in page
    assert 'id="chat-strings" type="application/json"' in page
    assert "Take this chat" in page
    assert "<script>" not in page.replace('<script id="chat-strings" type="application/json">', "")


def test_the_chats_page_in_french(client, make_staff):
    client.force_login(make_staff("agent", "camille"))
    page = client.get("/desk/chats/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<html lang="fr">' in page
    with translation.override("fr"):
        assert gettext("Take this chat") in page
        assert gettext("Chats") in page
    assert "Take this chat" not in page
