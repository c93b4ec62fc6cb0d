"""ASGI entry point (served by uvicorn): HTTP to Django, websockets to the live chat."""

import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "answerdesk.settings")
# First: it sets Django up, which the chat's consumers (they import models) need.
django_application = get_asgi_application()

from channels.routing import ProtocolTypeRouter  # noqa: E402

from answerdesk.chat.routing import websocket_application  # noqa: E402

application = ProtocolTypeRouter({"http": django_application, "websocket": websocket_application()})

# What is loaded by now (Django, and the models `answerdesk serve` loads first: about
# 140,000 objects) lives as long as the process. Frozen, the collector's full passes skip
# it: each took about 75 ms, stalling every chat line of the process meanwhile
# (docs/PERFORMANCE.md, live chat).
gc.freeze()
