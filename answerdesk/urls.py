"""URL routes: the public portal, the desk, the Django admin and the JSON API."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("desk/", include("answerdesk.desk.urls")),
    path("api/replies/", include("answerdesk.replies.urls")),
    path("api/v1/", include("answerdesk.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("chat/", include("answerdesk.chat.urls")),
    path("faq/", include("answerdesk.knowledge.urls")),
    path("", include("answerdesk.portal.urls")),
]
