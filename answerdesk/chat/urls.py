"""The chat's HTTP route, under /chat/: the widget's script."""

from django.urls import path

from answerdesk.chat import views

app_name = "chat"
urlpatterns = [path("widget.js", views.widget, name="widget")]
