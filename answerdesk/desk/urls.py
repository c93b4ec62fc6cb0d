"""The desk's routes, under /desk/."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from answerdesk.desk import chats, portal_views, views

app_name = "desk"
urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="desk/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(next_page="desk:login"), name="logout"),
    path("inbox/<slug:view>/", views.inbox, name="inbox"),
    path("tickets/<int:pk>/", views.ticket, name="ticket"),
    path("tickets/<int:pk>/reply/", views.reply, name="reply"),
    path("tickets/<int:pk>/check/", views.check, name="check"),
    path("tickets/<int:pk>/note/", views.note, name="note"),
    path("tickets/<int:pk>/update/", views.update, name="update"),
    path("tickets/<int:pk>/correct/", views.correct, name="correct"),
    path("tickets/<int:pk>/merge/", views.merge, name="merge"),
    path("tickets/bulk/", views.bulk, name="bulk"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("search/", views.search, name="search"),
    path("preferences/", views.preferences, name="preferences"),
    path("notifications/", views.notifications, name="notifications"),
    path("chats/", chats.chats, name="chats"),
    path("tickets/<int:pk>/call/", portal_views.log_call, name="log_call"),
    path("tickets/<int:pk>/revoke-links/", portal_views.revoke_links, name="revoke_links"),
    path("profile/", portal_views.directory_entry, name="directory_entry"),
    path("faq/", include("answerdesk.desk.faq_urls")),
]
