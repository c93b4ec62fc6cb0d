"""URL routes: the Django admin and the JSON API."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/replies/", include("answerdesk.replies.urls")),
    path("api/v1/", include("answerdesk.api.urls")),
]
