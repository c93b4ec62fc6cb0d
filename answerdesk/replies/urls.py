"""Routes of the replies API."""

from django.urls import path

from answerdesk.replies import views

app_name = "replies"
urlpatterns = [path("check/", views.check, name="check")]
