"""Train the kind and ask models from the hand-written training data (never the dev set).

Bodies go through the same quote stripping as live mail, so the models learn from the text
they will be shown; an ask labelled in the body marks the segments it covers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from answerdesk.mail.quote_stripping import strip_quotes
from answerdesk.nlp.asks import AskModel, describe_all, train_asks
from answerdesk.nlp.dataset import Example, Span
from answerdesk.nlp.kinds import KindModel, train_kinds
from answerdesk.nlp.sentences import Segment

Strip = Callable[[str], str]


@dataclass(frozen=True, slots=True)
class SegmentRows:
    described: list[str]
    labels: list[int]


def new_text(example: Example, strip: Strip = strip_quotes) -> tuple[str, int]:
    """The stripped text and where it starts in the body (-1 if it is not a slice of it)."""
    text = strip(example.body)
    return text, example.body.find(text)


def _covered(segment: Segment, offset: int, asks: Sequence[Span]) -> bool:
    start, end = segment.start + offset, segment.end + offset
    for ask in asks:
        common = min(end, ask.end) - max(start, ask.start)
        if common > 0 and (common >= 0.5 * (end - start) or common >= 0.5 * (ask.end - ask.start)):
            return True
    return False


def segment_rows(examples: Sequence[Example], strip: Strip = strip_quotes) -> SegmentRows:
    rows = SegmentRows([], [])
    for example in examples:
        text, offset = new_text(example, strip)
        if offset < 0:
            # The stripper rebuilt the text (bottom-posting); place segments by search.
            offset = 0
            text = example.body
        found, described = describe_all(text, example.kind)
        for segment, row in zip(found, described, strict=True):
            rows.described.append(row)
            rows.labels.append(1 if _covered(segment, offset, example.asks) else 0)
    return rows


def train_kind_model(
    examples: Sequence[Example], version: str, strip: Strip = strip_quotes
) -> KindModel:
    pairs = [(e.subject, new_text(e, strip)[0]) for e in examples]
    return train_kinds(pairs, [e.kind for e in examples], version)


def train_ask_model(
    examples: Sequence[Example], version: str, strip: Strip = strip_quotes
) -> AskModel:
    rows = segment_rows(examples, strip)
    return train_asks(rows.described, rows.labels, version)
