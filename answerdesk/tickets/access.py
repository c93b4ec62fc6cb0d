"""Who may see which tickets: the one access check every view and API endpoint goes through.

Roles are Django groups (made by the desk's migrations): an **agent** sees the tickets
assigned to them and the unassigned ones; a **supervisor** and an **admin** see every
ticket. A superuser is an admin. A user with no role sees nothing. Anything out of reach is
reported as missing (404), so that ticket numbers cannot be probed.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group
from django.db.models import Q, QuerySet
from django.http import Http404

from answerdesk.tickets.models import Attachment, Message, Ticket


class Role(StrEnum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


_RANK = {Role.AGENT: 1, Role.SUPERVISOR: 2, Role.ADMIN: 3}

User = AbstractBaseUser | AnonymousUser


def role_of(user: User) -> Role | None:
    """The user's highest role, or None for a user with no access to the desk."""
    if not user.is_authenticated or not user.is_active:
        return None
    if getattr(user, "is_superuser", False):
        return Role.ADMIN
    # Cached on the user object: one query per request, however many checks it makes.
    cached: Role | str | None = getattr(user, "_answerdesk_role", "")
    if cached != "":
        return cached  # type: ignore[return-value]
    names = set(Group.objects.filter(user=user.pk).values_list("name", flat=True))
    roles = [role for role in Role if role.value in names]
    role = max(roles, key=_RANK.__getitem__) if roles else None
    setattr(user, "_answerdesk_role", role)  # noqa: B010 (not an attribute of the type)
    return role


def is_supervisor(user: User) -> bool:
    role = role_of(user)
    return role is not None and _RANK[role] >= _RANK[Role.SUPERVISOR]


def may_assign(user: User, current: int | None, new: int | None) -> bool:
    """Agents may take a ticket or put one back in the queue; handing a ticket to someone
    else is for supervisors and admins."""
    return new in (current, user.pk, None) or is_supervisor(user)


def may_merge(user: User) -> bool:
    return is_supervisor(user)


def visible_tickets(user: User) -> QuerySet[Ticket]:
    """Every ticket this user may see. Views filter and sort within it."""
    role = role_of(user)
    if role is None:
        return Ticket.objects.none()
    if role is Role.AGENT:
        return Ticket.objects.filter(Q(assignee_id=user.pk) | Q(assignee__isnull=True))
    return Ticket.objects.all()


def may_see_assigned(user: User, assignee_id: int | None) -> bool:
    """The rule of visible_tickets for a ticket already in hand (a live event pushed to the
    desk): whether this user sees a ticket assigned to `assignee_id` (None: nobody)."""
    role = role_of(user)
    if role is None:
        return False
    return role is not Role.AGENT or assignee_id is None or assignee_id == user.pk


def access_ticket_by_id(user: User, ticket_id: Any) -> Ticket:
    """The ticket, if this user may see it; otherwise 404, as if it did not exist."""
    try:
        return visible_tickets(user).get(pk=int(ticket_id))
    except (Ticket.DoesNotExist, TypeError, ValueError, OverflowError):
        raise Http404("no such ticket") from None


def access_message_by_id(user: User, message_id: Any) -> Message:
    try:
        return Message.objects.select_related("ticket").get(
            pk=int(message_id), ticket__in=visible_tickets(user)
        )
    except (Message.DoesNotExist, TypeError, ValueError, OverflowError):
        raise Http404("no such message") from None


def access_attachment_by_id(user: User, attachment_id: Any) -> Attachment:
    try:
        return Attachment.objects.select_related("message").get(
            pk=int(attachment_id), message__ticket__in=visible_tickets(user)
        )
    except (Attachment.DoesNotExist, TypeError, ValueError, OverflowError):
        raise Http404("no such attachment") from None


def staff_with_role(*roles: Role) -> QuerySet[Any]:
    """Active users holding one of these roles (superusers count as admins)."""
    names = [r.value for r in roles]
    query = Q(groups__name__in=names)
    if Role.ADMIN in roles:
        query |= Q(is_superuser=True)
    return get_user_model().objects.filter(query, is_active=True).distinct()


def assignable_agents() -> QuerySet[Any]:
    return staff_with_role(Role.AGENT, Role.SUPERVISOR, Role.ADMIN).order_by("username")
