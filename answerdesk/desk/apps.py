"""App config for the desk: the web application the support team works in."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    name = "answerdesk.desk"
    verbose_name = _("Desk")

    def ready(self) -> None:
        from answerdesk.desk.roles import grant_role_permissions
        from answerdesk.desk.search import ensure_index_after_migrate

        # After every app, not only this one: permissions appear app by app.
        post_migrate.connect(grant_role_permissions, dispatch_uid="answerdesk-roles")
        post_migrate.connect(ensure_index_after_migrate, sender=self)
