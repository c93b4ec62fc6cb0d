"""One message read in full: language, kind and asks, with the versions of the models.

`Reader` holds loaded models and is built once per process; tests build one with fakes.
`bundled_reader()` trains the project's models from its training data at first use.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Protocol

from answerdesk.nlp.asks import Ask
from answerdesk.nlp.dataset import TRAIN, Example, training_examples
from answerdesk.nlp.kinds import KindGuess
from answerdesk.nlp.language import LanguageGuess, detect_language
from answerdesk.nlp.model_cache import cached

# Bumped whenever the training data or the features change, and stored on every message so
# that a figure or a correction can be traced to the model that produced it.
BUNDLED_VERSION = "understanding-3"


@dataclass(frozen=True, slots=True)
class Understanding:
    language: str
    language_confidence: float
    kind: str
    kind_confidence: float
    asks: list[Ask] = field(default_factory=list)
    model_version: str = ""


class Kinds(Protocol):
    """What Reader needs of a kind model: KindModel, or a fake in tests."""

    version: str

    def guess(self, subject: str, text: str) -> KindGuess: ...


class Asks(Protocol):
    version: str

    def find(self, text: str, kind: str = "") -> list[Ask]: ...


class Reader:
    def __init__(
        self,
        kinds: Kinds,
        asks: Asks,
        detect: Callable[[str], LanguageGuess] = detect_language,
    ) -> None:
        self.kinds = kinds
        self.asks = asks
        self.detect = detect
        self.version = f"{kinds.version}+{asks.version}"

    def read(self, subject: str, new_text: str, *, spam: bool = False) -> Understanding:
        language = self.detect(new_text or subject)
        if spam:
            # Spam owes no answer: nothing in it is an ask, whatever it says.
            return Understanding(language.code, language.confidence, "other", 1.0, [], self.version)
        kind = self.kinds.guess(subject, new_text)
        asks = self.asks.find(new_text, kind.kind)
        return Understanding(
            language.code, language.confidence, kind.kind, kind.confidence, asks, self.version
        )


def train_reader(
    kind_examples: Sequence[Example], ask_examples: Sequence[Example], version: str
) -> Reader:
    """Models trained from these examples: the bundled ones, or the bundled ones plus what
    a company's agents corrected (its own categories included)."""
    from answerdesk.nlp.training import train_ask_model, train_kind_model

    return Reader(
        train_kind_model(kind_examples, f"kinds-{version}"),
        train_ask_model(ask_examples, f"asks-{version}"),
    )


def _train_bundled() -> Reader:
    examples = training_examples()
    return train_reader(examples, examples, BUNDLED_VERSION)


@cache
def bundled_reader() -> Reader:
    """The project's models, trained from data/understanding/train (cached on disk)."""
    here = Path(__file__).parent
    inputs = [
        *TRAIN.glob("*.jsonl"),
        *here.glob("*.py"),
        *(here.parent / "mail").glob("quote_*.py"),
    ]
    return cached("reader", inputs, _train_bundled)
