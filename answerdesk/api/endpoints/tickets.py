"""/tickets: list and filter, read, change (status, priority, assignee, kind, language), merge."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router
from ninja.errors import HttpError

from answerdesk.api.auth import caller
from answerdesk.api.schemas import (
    ErrorOut,
    MergeIn,
    TicketDetailOut,
    TicketId,
    TicketOut,
    TicketPage,
    TicketPatch,
    TicketQuery,
)
from answerdesk.desk.inbox import VIEWS
from answerdesk.desk.search import search_tickets
from answerdesk.tickets import actions
from answerdesk.tickets.access import (
    access_ticket_by_id,
    assignable_agents,
    may_assign,
    may_merge,
    visible_tickets,
)
from answerdesk.tickets.models import Message, Ticket

router = Router(tags=["tickets"])

ORDERINGS: dict[str, tuple[Any, ...]] = {
    "due": (F("due_at").asc(nulls_last=True), "-priority", "pk"),
    "-due": (F("due_at").desc(nulls_last=True), "-priority", "-pk"),
    "created": ("created_at", "pk"),
    "-created": ("-created_at", "-pk"),
    "updated": ("updated_at", "pk"),
    "-updated": ("-updated_at", "-pk"),
    "priority": ("priority", F("due_at").asc(nulls_last=True), "pk"),
    "-priority": ("-priority", F("due_at").asc(nulls_last=True), "pk"),
}


@router.get("", response=TicketPage, summary="List the tickets the caller may see")
def list_tickets(request: HttpRequest, filters: Query[TicketQuery]) -> TicketPage:
    user = caller(request)
    tickets = filtered(visible_tickets(user), filters, user, timezone.now())
    if filters.ordering is not None or not filters.q:
        # Without an ordering, search results stay best match first.
        tickets = tickets.order_by(*ORDERINGS[filters.ordering or "due"])
    page = tickets.select_related("contact").prefetch_related("contact__addresses")
    page = page[filters.offset : filters.offset + filters.limit]
    return TicketPage(
        count=tickets.count(),
        limit=filters.limit,
        offset=filters.offset,
        items=[TicketOut.of(t) for t in page],
    )


def filtered(
    tickets: QuerySet[Ticket], filters: TicketQuery, user: AbstractBaseUser, now: dt.datetime
) -> QuerySet[Ticket]:
    if filters.status is not None:
        tickets = tickets.filter(status=filters.status)
    if filters.kind is not None:
        tickets = tickets.filter(kind=filters.kind)
    if filters.language is not None:
        tickets = tickets.filter(language=filters.language)
    if filters.assignee == "me":
        tickets = tickets.filter(assignee_id=user.pk)
    elif filters.assignee == "none":
        tickets = tickets.filter(assignee__isnull=True)
    elif filters.assignee is not None:
        tickets = tickets.filter(assignee_id=int(filters.assignee))
    overdue = VIEWS["overdue"].condition(user, now)  # as the desk's inbox counts it
    if filters.overdue is True:
        tickets = tickets.filter(overdue)
    elif filters.overdue is False:
        tickets = tickets.exclude(overdue)
    if filters.q:
        tickets = search_tickets(filters.q, tickets)
    return tickets


@router.get("/{ticket_id}", response={200: TicketDetailOut, 404: ErrorOut}, summary="Read a ticket")
def get_ticket(request: HttpRequest, ticket_id: TicketId) -> TicketDetailOut:
    ticket = access_ticket_by_id(caller(request), ticket_id)
    return TicketDetailOut.with_asks(ticket, actions.open_asks(ticket))


@router.patch(
    "/{ticket_id}",
    response={200: TicketDetailOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Change a ticket's status, priority, assignee, kind or language",
)
def update_ticket(request: HttpRequest, ticket_id: TicketId, changes: TicketPatch) -> Any:
    user = caller(request)
    ticket = access_ticket_by_id(user, ticket_id)
    sent = changes.model_fields_set
    assignee = _assignee(ticket, user, changes.assignee) if "assignee" in sent else None
    corrected = {
        name: getattr(changes, name)
        for name in ("kind", "language")
        if name in sent and getattr(changes, name) is not None
    }
    opener = _first_inbound(ticket) if corrected else None
    if corrected and opener is None:
        raise HttpError(409, "the ticket has no customer message to correct")
    with transaction.atomic():
        if "assignee" in sent:
            actions.assign(ticket, assignee, by=user)
        if changes.status is not None:
            actions.set_status(ticket, changes.status, by=user)
        if changes.priority is not None:
            actions.set_priority(ticket, changes.priority, by=user)
        if opener is not None:
            actions.correct_ticket(ticket, by=user, **corrected)
    ticket = access_ticket_by_id(user, ticket.pk)
    return TicketDetailOut.with_asks(ticket, actions.open_asks(ticket))


def _assignee(
    ticket: Ticket, user: AbstractBaseUser, assignee_id: int | None
) -> AbstractBaseUser | None:
    """Who the ticket goes to. Agents may take a ticket, or put back one of their own;
    giving a ticket to someone else is for supervisors and admins."""
    if not may_assign(user, ticket.assignee_id, assignee_id):
        raise HttpError(403, "only supervisors and admins may assign a ticket to someone else")
    if assignee_id is None:
        return None
    found: AbstractBaseUser | None = assignable_agents().filter(pk=assignee_id).first()
    if found is None:
        raise HttpError(400, f"user {assignee_id} is not a member of the desk staff")
    return found


def _first_inbound(ticket: Ticket) -> Message | None:
    return ticket.messages.filter(direction=Message.Direction.INBOUND).order_by("pk").first()


@router.post(
    "/{ticket_id}/merge",
    response={200: TicketDetailOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Merge this ticket into another; returns the ticket that goes on",
)
def merge_ticket(request: HttpRequest, ticket_id: TicketId, merge: MergeIn) -> Any:
    user = caller(request)
    source = access_ticket_by_id(user, ticket_id)
    if not may_merge(user):
        raise HttpError(403, "only supervisors and admins may merge tickets")
    target = access_ticket_by_id(user, merge.into)
    if source.pk == target.pk:
        raise HttpError(400, "a ticket cannot be merged into itself")
    try:
        actions.merge(source, target, by=user)
    except actions.ActionError as error:
        raise HttpError(409, str(error)) from None
    target = access_ticket_by_id(user, target.pk)
    return TicketDetailOut.with_asks(target, actions.open_asks(target))
