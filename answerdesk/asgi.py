"""ASGI entry point (served by uvicorn): HTTP to Django, websockets to the live chat."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "answerdesk.settings")
# First: it sets Django up, which the chat's consumers (they import models) need.
django_application = get_asgi_application()

from channels.routing import ProtocolTypeRouter  # noqa: E402

from answerdesk.chat.routing import websocket_application  # noqa: E402

application = ProtocolTypeRouter({"http": django_application, "websocket": websocket_application()})
