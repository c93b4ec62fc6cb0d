"""Agents correct what the desk read in a message; `retrain` learns from the corrections.

A correction changes the message (and its ticket, when the message opened it), keeps the
before and after in a Correction row and says so on the ticket's timeline. Retraining adds
the corrected messages to the bundled training data: messages whose kind was corrected teach
the kind model, including the company's own categories; messages whose asks were corrected
teach the ask model. Predictions nobody checked are never trained on.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from answerdesk.learning.models import Category, Correction, TrainedModel
from answerdesk.learning.readers import save_reader
from answerdesk.nlp.dataset import DatasetError, Example, Span, spans_of, training_examples
from answerdesk.nlp.understanding import train_reader
from answerdesk.tickets import events
from answerdesk.tickets.models import Message, Ticket

LANGUAGES = ("fr", "en", "other")


class CorrectionError(ValueError):
    """The correction cannot be applied; the message says why, in words an agent reads."""


def known_kinds() -> list[str]:
    return [*Ticket.Kind.values, *Category.objects.values_list("slug", flat=True)]


def _text(message: Message) -> str:
    """The text the asks' offsets point into (see Message.asks)."""
    return message.new_text or message.text


def _ask_rows(message: Message, asks: Sequence[str]) -> list[dict[str, object]]:
    try:
        spans = spans_of(_text(message), list(asks), "correction")
    except DatasetError as error:
        raise CorrectionError(
            "each ask must be a passage of the message's new text, in order; "
            + str(error).removeprefix("correction: ")
        ) from None
    return [{"text": s.text, "start": s.start, "end": s.end, "score": 1.0} for s in spans]


@transaction.atomic
def correct(
    message: Message,
    *,
    by: AbstractBaseUser | None,
    language: str | None = None,
    kind: str | None = None,
    asks: Sequence[str] | None = None,
    at: dt.datetime | None = None,
) -> list[Correction]:
    """Set what an agent says the message is; returns the corrections recorded (none when
    the values were already those)."""
    at = at or timezone.now()
    if language is not None and language not in LANGUAGES:
        raise CorrectionError(f"unknown language {language!r}: one of {', '.join(LANGUAGES)}")
    if kind is not None and kind not in known_kinds():
        raise CorrectionError(
            f"unknown kind {kind!r}: one of {', '.join(known_kinds())}, "
            "or add a category of your own first"
        )
    changes: list[tuple[str, object, object]] = []
    if language is not None and language != message.language:
        changes.append((Correction.Field.LANGUAGE, message.language, language))
        message.language, message.language_confidence = language, 1.0
    if kind is not None and kind != message.kind:
        changes.append((Correction.Field.KIND, message.kind, kind))
        message.kind, message.kind_confidence = kind, 1.0
    if asks is not None:
        rows = _ask_rows(message, asks)
        before = [a["text"] for a in message.asks]
        if [r["text"] for r in rows] != before:
            changes.append((Correction.Field.ASKS, before, [r["text"] for r in rows]))
            message.asks = rows
    if not changes:
        return []
    message.save(
        update_fields=["language", "language_confidence", "kind", "kind_confidence", "asks"]
    )
    ticket = message.ticket
    opened_it = not ticket.messages.filter(pk__lt=message.pk).exists()
    if opened_it:
        ticket.language, ticket.kind = message.language, message.kind
        ticket.save(update_fields=["language", "kind"])
    actor_pk = by.pk if by is not None else None
    corrections = []
    for name, old, new in changes:
        corrections.append(
            Correction.objects.create(
                message=message,
                field=name,
                before=old,
                after=new,
                model_version=message.nlp_version,
                actor_id=actor_pk,
                created_at=at,
            )
        )
        events.understanding_corrected(
            ticket, message, field=name, before=old, after=new, actor_pk=actor_pk, at=at
        ).save()
    return corrections


def corrected_examples() -> tuple[list[Example], list[Example]]:
    """Messages whose kind an agent corrected, and messages whose asks an agent corrected,
    as training examples (the message's current values are the agents' last word)."""
    fields: dict[int, set[str]] = {}
    for message_id, name in Correction.objects.values_list("message_id", "field"):
        fields.setdefault(message_id, set()).add(name)
    kinds, asks = [], []
    for message in Message.objects.filter(pk__in=fields).order_by("pk"):
        text = _text(message)
        example = Example(
            id=f"message-{message.pk}",
            language=message.language,
            kind=message.kind,
            subject=message.subject,
            body=text,
            asks=tuple(Span(a["start"], a["end"], a["text"]) for a in message.asks),
        )
        if Correction.Field.KIND in fields[message.pk]:
            kinds.append(example)
        if Correction.Field.ASKS in fields[message.pk]:
            asks.append(example)
    return kinds, asks


@dataclass
class Retrained:
    version: str
    kind_examples: int
    ask_examples: int
    corrected: Counter[str] = field(default_factory=Counter)  # kind → corrected messages
    left_out: dict[str, int] = field(default_factory=dict)  # categories with too few


def retrain(*, min_examples: int = 5, at: dt.datetime | None = None) -> Retrained:
    """Train the kind and ask models on the bundled data plus the agents' corrections, and
    make them the ones the pipeline uses. A category of the company's own needs
    `min_examples` corrected messages before it is learned: fewer would teach noise."""
    at = at or timezone.now()
    bundled = training_examples()
    kinds, asks = corrected_examples()
    counts = Counter(e.kind for e in kinds)
    left_out = {
        kind: count
        for kind, count in counts.items()
        if kind not in Ticket.Kind.values and count < min_examples
    }
    kinds = [e for e in kinds if e.kind not in left_out]
    version = f"company-{at:%Y%m%d-%H%M%S}"
    reader = train_reader([*bundled, *kinds], [*bundled, *asks], version)
    path = save_reader(reader)
    result = Retrained(
        reader.version, len(bundled) + len(kinds), len(bundled) + len(asks), counts, left_out
    )
    TrainedModel.objects.create(
        version=reader.version,
        path=str(path),
        kind_examples=result.kind_examples,
        ask_examples=result.ask_examples,
        corrections=len({e.id for e in (*kinds, *asks)}),
        summary={"corrected": dict(counts), "left_out": left_out},
        created_at=at,
    )
    return result
