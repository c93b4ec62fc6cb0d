"""Routes under /api/v1/: the API's operations, its schema and docs page, the docs' assets."""

from django.urls import path

from answerdesk.api.api import api
from answerdesk.api.docs import docs_asset

urlpatterns = [
    path("docs/assets/<str:name>", docs_asset, name="api-v1-docs-asset"),
    path("", api.urls),
]
