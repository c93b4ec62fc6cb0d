"""Everything the ticket page shows, read in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from answerdesk.desk.mail_html import SafeHtml, cid_resolver, sanitise
from answerdesk.desk.models import CannedReply
from answerdesk.knowledge.actions import ArticleSuggestion, suggest
from answerdesk.mail.acknowledgement import render
from answerdesk.tickets.actions import OpenAsk, customer_history, open_asks
from answerdesk.tickets.models import Attachment, Message, Ticket, TicketEvent


@dataclass
class ThreadEntry:
    message: Message
    attachments: list[Attachment] = field(default_factory=list)
    html: SafeHtml | None = None
    quoted: str = ""  # the rest of the text, behind a "show quoted" toggle


@dataclass
class AskRow:
    ask: OpenAsk
    number: int
    suggestions: list[ArticleSuggestion]


@dataclass
class TicketPage:
    ticket: Ticket
    thread: list[ThreadEntry]
    asks: list[AskRow]
    events: list[TicketEvent]
    history: list[Ticket]
    canned: list[dict[str, Any]]
    addresses: list[str]


def _thread(ticket: Ticket, show_images: bool) -> list[ThreadEntry]:
    messages = list(ticket.messages.select_related("author").order_by("sent_at", "pk"))
    attachments: dict[int, list[Attachment]] = defaultdict(list)
    for attachment in Attachment.objects.filter(message__ticket=ticket).order_by("pk"):
        attachments[attachment.message_id].append(attachment)
    entries = []
    for message in messages:
        files = attachments.get(message.pk, [])
        entry = ThreadEntry(message, [a for a in files if not a.inline or not a.content_id])
        if message.html:
            urls = {
                a.content_id.strip("<>"): reverse("desk:attachment", args=[a.pk])
                for a in files
                if a.content_id
            }
            entry.html = sanitise(
                message.html,
                allow_remote_images=show_images,
                inline_image_url=cid_resolver(urls),
            )
        elif message.new_text and message.text.strip() != message.new_text.strip():
            entry.quoted = message.text
        entries.append(entry)
    return entries


def _canned(ticket: Ticket, agent: Any) -> list[dict[str, Any]]:
    """Canned replies with their placeholders filled, the ticket's language first."""
    contact = ticket.contact.name if ticket.contact else ""
    values = {
        "name": contact,
        "reference": ticket.reference,
        "subject": ticket.subject,
        "agent": agent.get_full_name() or agent.get_username(),
    }
    rows = CannedReply.objects.filter(active=True).order_by("title")
    ordered = sorted(rows, key=lambda c: c.language != ticket.language)
    return [
        {"id": c.pk, "title": c.title, "language": c.language, "body": render(c.body, **values)}
        for c in ordered
    ]


def _worth_showing(found: list[ArticleSuggestion], language: str) -> list[ArticleSuggestion]:
    """Likely articles, in the customer's language first: the agent pastes the answer."""
    likely = [s for s in found if s.suggestion.score > 0.25]
    return sorted(likely, key=lambda s: (s.article.language != language, -s.suggestion.score))


def ticket_page(ticket: Ticket, agent: Any, *, show_images: bool = False) -> TicketPage:
    asks = open_asks(ticket)
    found = suggest([a.text for a in asks], limit=2) if asks else []
    rows = [
        AskRow(ask, number, _worth_showing(suggestions, ticket.language))
        for number, (ask, suggestions) in enumerate(zip(asks, found, strict=True), 1)
    ]
    events = list(ticket.events.select_related("actor").order_by("created_at", "pk"))
    addresses = []
    if ticket.contact_id is not None:
        addresses = list(
            ticket.contact.addresses.order_by("pk").values_list("email", flat=True)  # type: ignore[union-attr]
        )
    return TicketPage(
        ticket=ticket,
        thread=_thread(ticket, show_images),
        asks=rows,
        events=events,
        history=customer_history(ticket),
        canned=_canned(ticket, agent),
        addresses=addresses,
    )
