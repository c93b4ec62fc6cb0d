"""The public portal's routes, at the site's root."""

from django.urls import path

from answerdesk.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
]
