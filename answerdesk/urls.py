"""URL routes: the desk, the Django admin and the JSON API."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="desk:home")),
    path("admin/", admin.site.urls),
    path("desk/", include("answerdesk.desk.urls")),
    path("api/replies/", include("answerdesk.replies.urls")),
    path("api/v1/", include("answerdesk.api.urls")),
]
