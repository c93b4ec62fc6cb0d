"""The public portal's routes, at the site's root."""

from django.urls import path

from answerdesk.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("contact/", views.contact, name="contact"),
    path("callback/", views.callback, name="callback"),
    path("team/", views.team, name="team"),
    path("team/<int:pk>/", views.member, name="member"),
    path("team/<int:pk>/photo/", views.member_photo, name="member_photo"),
    path("received/", views.received_pending, name="received_pending"),
    path("received/<str:token>/", views.received, name="received"),
    path("status/<str:token>/", views.status, name="status"),
    path("survey/<str:token>/", views.survey, name="survey"),
]
