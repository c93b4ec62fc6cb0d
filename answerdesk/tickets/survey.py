"""The satisfaction survey: mailed to the customer when their ticket is solved."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from answerdesk.mail.models import OutboundMessage
from answerdesk.mail.outbound import compose
from answerdesk.tickets import events
from answerdesk.tickets.models import Ticket
from answerdesk.tickets.status_links import survey_url

_SURVEY = {
    "fr": (
        "[{reference}] Votre avis sur notre réponse",
        "Bonjour,\n\n"
        "Votre demande {reference} « {subject} » est résolue.\n"
        "Notre réponse vous a-t-elle aidé ? Donnez-nous une note de 1 à 5 :\n\n"
        "{links}\n"
        "Une minute suffit, et chaque commentaire est lu.\n\n"
        "Le service client\n",
    ),
    "en": (
        "[{reference}] How did we do?",
        "Hello,\n\n"
        'Your request {reference} "{subject}" is solved.\n'
        "Did our answer help you? Give us a score from 1 to 5:\n\n"
        "{links}\n"
        "It takes a minute, and every comment is read.\n\n"
        "Customer service\n",
    ),
}
_SCORES = {
    "fr": ("très insatisfait", "insatisfait", "correct", "satisfait", "très satisfait"),
    "en": ("very dissatisfied", "dissatisfied", "fair", "satisfied", "very satisfied"),
}


def survey_mail(ticket: Ticket, language: str) -> tuple[str, str]:
    """Subject and body; one link per score, each opening the survey page with it chosen
    (the page records nothing until the customer submits it: mail scanners open links)."""
    language = language if language in _SURVEY else "en"
    subject, body = _SURVEY[language]
    url = survey_url(ticket)
    links = "".join(
        f"  {score} – {label}: {url}?score={score}\n"
        for score, label in enumerate(_SCORES[language], start=1)
    )
    values = {"reference": ticket.reference, "subject": ticket.subject or "—", "links": links}
    return subject.format(**values), body.format(**values)


def queue_survey(ticket: Ticket, *, to: str, mail_from: str, now: dt.datetime) -> None:
    """Queue the survey mail and note it on the timeline; call inside the solving
    transaction, so a ticket solved is surveyed exactly once per solving."""
    subject, body = survey_mail(ticket, ticket.language)
    composed = compose(
        mail_from=mail_from,
        to=to,
        subject=subject,
        body=body,
        domain=mail_from.rpartition("@")[2] or "localhost",
        automatic=True,
        at=now,
    )
    outbound = OutboundMessage.objects.create(
        ticket=ticket,
        kind=OutboundMessage.Kind.SURVEY,
        mail_from=mail_from,
        recipients=[to],
        to_address=to.lower(),
        message_id=composed.message_id,
        data=composed.data,
        created_at=now,
        next_attempt_at=now,
    )
    events.survey_sent(ticket, outbound, at=now).save()


def survey_wanted(ticket: Ticket, old_status: str) -> bool:
    return (
        settings.ANSWERDESK_SURVEY_ENABLED
        and old_status not in (Ticket.Status.SOLVED, Ticket.Status.CLOSED)
        and ticket.status == Ticket.Status.SOLVED
        and ticket.merged_into_id is None
    )
