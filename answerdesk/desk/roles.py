"""What each role may change in the Django admin (the desk's settings pages).

Permissions are made by Django after every migration, so they are granted then too
(post_migrate), not in a migration. Supervisors run the team: canned replies, SLA targets,
business hours, holidays, the FAQ, agents' topics and languages. Admins also set up the
mail side: mailboxes, support addresses, acknowledgement templates. Agents change nothing
there; their work is in the desk.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission

SUPERVISOR_MODELS = {
    "desk": ["cannedreply"],
    "sla": ["slapolicy", "businesshours", "holiday"],
    "knowledge": ["article", "category", "articlefeedback"],
    "tickets": ["agentprofile"],
    "learning": ["category"],
}
ADMIN_MODELS = {
    **SUPERVISOR_MODELS,
    "mail": ["supportaddress", "imapmailbox", "acknowledgementtemplate", "outboundmessage"],
    "auth": ["user", "group"],
}


def _permissions(models: dict[str, list[str]]) -> list[Permission]:
    found: list[Permission] = []
    for app, names in models.items():
        found += Permission.objects.filter(
            content_type__app_label=app, content_type__model__in=names
        )
    return found


def grant_role_permissions(**_: Any) -> None:
    for role, models in (("supervisor", SUPERVISOR_MODELS), ("admin", ADMIN_MODELS)):
        group = Group.objects.filter(name=role).first()
        if group is not None:
            group.permissions.add(*_permissions(models))
