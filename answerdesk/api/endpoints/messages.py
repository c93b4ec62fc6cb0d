"""A ticket's thread and timeline; replies (through the completeness gate) and notes."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from answerdesk.api.auth import caller
from answerdesk.api.schemas import (
    CheckReplyOut,
    ErrorOut,
    EventOut,
    MessageOut,
    NoteIn,
    OpenAskOut,
    ReplyIn,
    TicketId,
    UnansweredOut,
)
from answerdesk.replies.actions import as_json
from answerdesk.tickets import actions
from answerdesk.tickets.access import access_ticket_by_id

router = Router(tags=["messages"])


@router.get(
    "/{ticket_id}/messages",
    response={200: list[MessageOut], 404: ErrorOut},
    summary="The ticket's thread, oldest first, with what was read in each message",
)
def list_messages(request: HttpRequest, ticket_id: TicketId) -> list[MessageOut]:
    ticket = access_ticket_by_id(caller(request), ticket_id)
    thread = ticket.messages.prefetch_related("attachments").order_by("sent_at", "pk")
    return [MessageOut.of(m) for m in thread]


@router.get(
    "/{ticket_id}/events",
    response={200: list[EventOut], 404: ErrorOut},
    summary="The ticket's timeline, oldest first",
)
def list_events(request: HttpRequest, ticket_id: TicketId) -> list[EventOut]:
    ticket = access_ticket_by_id(caller(request), ticket_id)
    return [EventOut.of(e) for e in ticket.events.order_by("created_at", "pk")]


@router.post(
    "/{ticket_id}/replies",
    response={201: MessageOut, 400: ErrorOut, 404: ErrorOut, 409: UnansweredOut},
    summary="Reply to the customer; 409 lists the asks the reply leaves unanswered",
)
def send_reply(
    request: HttpRequest, ticket_id: TicketId, reply: ReplyIn
) -> Status[MessageOut | UnansweredOut]:
    user = caller(request)
    ticket = access_ticket_by_id(user, ticket_id)
    try:
        message = actions.send_reply(
            ticket,
            author=user,
            body=reply.body,
            confirm_unanswered=reply.confirm_unanswered,
            status=reply.status,
        )
    except actions.UnansweredAsks as stopped:
        return Status(
            409,
            UnansweredOut(
                detail=f"{stopped}: send again with confirm_unanswered true to send it anyway",
                unanswered=[OpenAskOut.of(a) for a in stopped.asks],
                check=CheckReplyOut(**as_json(stopped.check)),
            ),
        )
    return Status(201, MessageOut.of(message))


@router.post(
    "/{ticket_id}/notes",
    response={201: MessageOut, 400: ErrorOut, 404: ErrorOut},
    summary="Add an internal note, which the customer never sees",
)
def add_note(request: HttpRequest, ticket_id: TicketId, note: NoteIn) -> Status[MessageOut]:
    user = caller(request)
    ticket = access_ticket_by_id(user, ticket_id)
    return Status(201, MessageOut.of(actions.add_note(ticket, author=user, body=note.body)))
