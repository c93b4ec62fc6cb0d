"""Whether a message gets an acknowledgement, and the acknowledgement itself."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from answerdesk.mail.spam import THRESHOLD, text_points

# Senders that never read replies (RFC 3834 §2 asks responders not to answer them).
_NO_REPLY = re.compile(
    r"^(?:no[-_.]?reply|do[-_.]?not[-_.]?reply|ne[-_.]?pas[-_.]?repondre|mailer-daemon"
    r"|postmaster|bounces?|notifications?)(?:[-+.][^@]*)?@",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class AckPolicy:
    enabled: bool = True
    follow_ups: bool = False  # acknowledge customers writing again on an open ticket
    max_per_hour: int = 3  # per sender: the last line of defence against mail loops
    promise_hours: int = 24


@dataclass(frozen=True)
class AckFacts:
    sender: str
    flags: Collection[str]
    spam_score: int
    ticket_is_new: bool
    our_addresses: Collection[str]
    acknowledged_last_hour: int
    imported: bool = False  # from `answerdesk ingest`: old mail, not a customer waiting now
    # The text classifier's probability that the words are spam (answerdesk.nlp.spam_text).
    text_spam_probability: float = 0.0


def refusal(facts: AckFacts, policy: AckPolicy) -> str:
    """Why no acknowledgement may go out, or "" when one should. First rule that applies."""
    checks: Sequence[tuple[bool, str]] = (
        (not policy.enabled, "acknowledgements are turned off"),
        (facts.imported, "imported mail, not received live"),
        (not facts.sender, "no sender address"),
        ("auto_reply" in facts.flags, "an automatic reply (RFC 3834): answering could loop"),
        ("bounce" in facts.flags, "a delivery failure report"),
        ("mailing_list" in facts.flags, "mail from a mailing list"),
        (bool(_NO_REPLY.match(facts.sender)), "a no-reply sender"),
        (facts.sender.lower() in facts.our_addresses, "sent from one of our own addresses"),
        (facts.spam_score >= THRESHOLD, f"spam (score {facts.spam_score} ≥ {THRESHOLD})"),
        (
            not facts.ticket_is_new and not policy.follow_ups,
            "a follow-up on a ticket already acknowledged",
        ),
        (
            facts.acknowledged_last_hour >= policy.max_per_hour,
            f"already {facts.acknowledged_last_hour} acknowledgements to this sender this hour",
        ),
    )
    reason = next((reason for applies, reason in checks if applies), "")
    if reason:
        return reason
    score = facts.spam_score + text_points(facts.text_spam_probability)
    return f"spam (score {score} ≥ {THRESHOLD}, with the words)" if score >= THRESHOLD else ""


def promise(hours: int, language: str) -> str:
    if language == "fr":
        return f"sous {hours} heures" if hours != 1 else "sous une heure"
    return f"within {hours} hours" if hours != 1 else "within an hour"


def render(template: str, **values: str) -> str:
    """Fill {placeholders}; an unknown one is left as written rather than failing."""
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), template)


# The defaults seeded into AcknowledgementTemplate (editable in the admin). Placeholders:
# {reference}, {subject}, {promise}, {name} (", Marie" or nothing), {answers} (an FAQ
# answer for each ask that has a confident one, or nothing), {status_link} (a paragraph
# with the signed link to the ticket's status page).
DEFAULT_TEMPLATES = {
    "fr": (
        "[{reference}] Nous avons bien reçu votre message",
        "Bonjour{name},\n\n"
        "Nous avons bien reçu votre message « {subject} » et l'avons enregistré sous la "
        "référence {reference}.\n"
        "Un membre de notre équipe vous répondra {promise}.\n\n"
        "{answers}{status_link}"
        "Pour ajouter une précision, répondez simplement à ce message en gardant la "
        "référence {reference} dans l'objet.\n\n"
        "Ceci est un accusé de réception automatique.\n"
        "Le service client\n",
    ),
    "en": (
        "[{reference}] We have received your message",
        "Hello{name},\n\n"
        'We have received your message "{subject}" and logged it as {reference}.\n'
        "A member of our team will answer you {promise}.\n\n"
        "{answers}{status_link}"
        "To add anything, simply reply to this message and keep {reference} in the "
        "subject.\n\n"
        "This is an automatic acknowledgement of receipt.\n"
        "Customer service\n",
    ),
}


@dataclass(frozen=True)
class QuotedAnswer:
    ask: str
    title: str
    answer: str
    url: str


_ANSWER_INTRO = {
    "fr": ("Vous demandez : « {ask} »", "Notre FAQ y répond peut-être déjà : {title}"),
    "en": ('You asked: "{ask}"', "This may already answer it: {title}"),
}


_STATUS_LINE = {
    "fr": "Suivez votre demande et répondez en ligne : {url}",
    "en": "Follow your request and reply online: {url}",
}


def status_link_block(url: str, language: str) -> str:
    """The {status_link} paragraph."""
    return render(_STATUS_LINE.get(language, _STATUS_LINE["en"]), url=url) + "\n\n"


def answers_block(answers: Sequence[QuotedAnswer], language: str) -> str:
    """Each ask with the FAQ answer found for it, for the {answers} placeholder."""
    asked, found = _ANSWER_INTRO.get(language, _ANSWER_INTRO["en"])
    parts = [
        f"{render(asked, ask=a.ask)}\n{render(found, title=a.title)}\n{a.answer}\n{a.url}\n\n"
        for a in answers
    ]
    return "".join(parts)
