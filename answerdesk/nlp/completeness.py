"""Does a draft reply answer each thing the customer asked? Which sentences answer it?

Two models, both trained in the repository from data/completeness/train (never dev):

- a sentence model says whether a reply sentence carries substance (an answer, a refusal
  with its reason, an action done) rather than filler: greetings, "we have received your
  message", "we have forwarded your request", "could you send us your order number?",
  apologies, signatures;
- an ask model weighs, for each ask, how close the reply's sentences come to it in meaning
  (a multilingual sentence encoder, so a French ask is matched by an English reply), in
  words, and whether the closest ones carry substance and are closer to this ask than to
  another one.

The encoder is injected (`Embedder`, as for suggestions); tests pass a fake.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from answerdesk.nlp.linear_text import LinearText, words_and_characters
from answerdesk.nlp.model_cache import cached
from answerdesk.nlp.sentences import segments
from answerdesk.nlp.suggest import Embedder, normalised, words

DATA = Path(__file__).parent / "data" / "completeness"
# A reply longer than this is cut before reading: no agent writes 20,000 characters, and
# past that a pasted log or thread would only cost time.
MAX_REPLY_CHARS = 20_000
MAX_ASKS = 20
# An ask is answered at or above this probability (chosen by cross-validation on train).
THRESHOLD = 0.5


@dataclass(frozen=True, slots=True)
class Pair:
    """One labelled example: asks, a reply, and which asks it answers (with evidence)."""

    id: str
    asks: tuple[str, ...]
    reply: str
    answered: tuple[bool, ...]
    evidence: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class AskVerdict:
    ask: str
    answered: bool
    confidence: float  # of the verdict, from 0.5 to 1
    evidence: list[str]  # the reply sentences that answer it


@dataclass(frozen=True, slots=True)
class ReplyCheck:
    verdicts: list[AskVerdict]
    truncated: bool = False  # the reply was longer than MAX_REPLY_CHARS

    @property
    def complete(self) -> bool:
        return all(v.answered for v in self.verdicts)


def read_pairs(directory: Path) -> list[Pair]:
    pairs = []
    for path in sorted(directory.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                pairs.append(
                    Pair(
                        str(row["id"]),
                        tuple(row["asks"]),
                        row["reply"],
                        tuple(bool(a) for a in row["answered"]),
                        tuple(tuple(e) for e in row["evidence"]),
                    )
                )
    return pairs


def _content_words(text: str) -> set[str]:
    # The first five letters: "livraison" and "livrée", "refund" and "refunded" meet.
    return {w[:5] for w in words(text) if len(w) > 2}


def reply_sentences(reply: str) -> list[str]:
    return [s.text for s in segments(reply[:MAX_REPLY_CHARS])]


FEATURES = (
    "best meaning",
    "best meaning x substance",
    "substance of the closest sentence",
    "best shared words",
    "best shared words x substance",
    "best meaning x substance, sentences closest to this ask",
    "most substance in the reply",
    "meaning lead over the reply's average",
    "one over the number of asks",
)


def ask_features(
    similarity: NDArray[np.float64],  # (asks, sentences)
    shared: NDArray[np.float64],  # (asks, sentences)
    substance: NDArray[np.float64],  # (sentences,)
) -> NDArray[np.float64]:
    """One row of FEATURES per ask."""
    asks, sentences = similarity.shape
    rows = np.zeros((asks, len(FEATURES)))
    if sentences == 0:
        rows[:, 8] = 1.0 / max(asks, 1)
        return rows
    closest_ask = similarity.argmax(axis=0)
    for a in range(asks):
        best = int(similarity[a].argmax())
        own = closest_ask == a
        weighted = similarity[a] * substance
        rows[a] = (
            similarity[a, best],
            weighted.max(),
            substance[best],
            shared[a].max(),
            (shared[a] * substance).max(),
            weighted[own].max() if own.any() else 0.0,
            substance.max(),
            similarity[a, best] - similarity[a].mean(),
            1.0 / asks,
        )
    return rows


class CompletenessModel:
    def __init__(
        self, sentence_model: Pipeline, ask_model: Pipeline, embedder: Embedder, version: str
    ) -> None:
        self.sentence_model = sentence_model
        self.substance = LinearText(sentence_model)
        self.ask_model = ask_model
        self.embedder = embedder
        self.version = version
        self.threshold = THRESHOLD

    def _parts(
        self, asks: Sequence[str], sentences: Sequence[str]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
        vectors = normalised(self.embedder.encode([*asks, *sentences]))
        similarity = np.asarray(vectors[: len(asks)] @ vectors[len(asks) :].T, dtype=np.float64)
        words = [_content_words(s) for s in sentences]
        shared = np.array(
            [
                [len(w & ask_words) / max(len(ask_words), 1) for w in words]
                for ask_words in (_content_words(a) for a in asks)
            ]
        ).reshape(len(asks), len(sentences))
        substance = (
            self.substance.probabilities_of(list(sentences))[:, 1] if sentences else np.zeros(0)
        )
        return similarity, shared, substance

    def features(self, asks: Sequence[str], reply: str) -> NDArray[np.float64]:
        sentences = reply_sentences(reply)
        if not asks:
            return np.zeros((0, len(FEATURES)))
        if not sentences:
            return ask_features(np.zeros((len(asks), 0)), np.zeros((len(asks), 0)), np.zeros(0))
        return ask_features(*self._parts(asks, sentences))

    def check(self, asks: Sequence[str], reply: str) -> ReplyCheck:
        """A verdict for each ask (the first MAX_ASKS); never raises on odd input."""
        asks = [a for a in asks if a.strip()][:MAX_ASKS]
        sentences = reply_sentences(reply)
        truncated = len(reply) > MAX_REPLY_CHARS
        if not asks:
            return ReplyCheck([], truncated)
        if not sentences:
            return ReplyCheck([AskVerdict(a, False, 1.0, []) for a in asks], truncated)
        similarity, shared, substance = self._parts(asks, sentences)
        rows = ask_features(similarity, shared, substance)
        probabilities = self.ask_model.predict_proba(rows)[:, 1]
        closest_ask = similarity.argmax(axis=0)
        verdicts = []
        for a, (ask, probability) in enumerate(zip(asks, probabilities, strict=True)):
            answered = bool(probability >= self.threshold)
            evidence: list[str] = []
            if answered:
                weighted = similarity[a] * substance
                best = weighted.max()
                evidence = [
                    sentences[s]
                    for s in np.argsort(-weighted)[:2]
                    if weighted[s] >= 0.8 * best and (closest_ask[s] == a or s == weighted.argmax())
                ]
            confidence = float(probability if answered else 1.0 - probability)
            verdicts.append(AskVerdict(ask, answered, round(confidence, 3), evidence))
        return ReplyCheck(verdicts, truncated)


def sentence_rows(pairs: Sequence[Pair]) -> tuple[list[str], list[int]]:
    """Each reply sentence, labelled 1 when it is (part of) some ask's evidence."""
    texts, labels = [], []
    for pair in pairs:
        evidence = [e for passages in pair.evidence for e in passages]
        for sentence in reply_sentences(pair.reply):
            texts.append(sentence)
            labels.append(int(any(sentence in e or e in sentence for e in evidence)))
    return texts, labels


def _sentence_model(pairs: Sequence[Pair]) -> Pipeline:
    texts, labels = sentence_rows(pairs)
    model = words_and_characters(words=(1, 2), characters=(3, 5), c=4.0)
    model.fit(texts, labels)
    return model


def train(
    pairs: Sequence[Pair], embedder: Embedder, version: str, folds: int = 5
) -> CompletenessModel:
    """Train both models. The ask model learns from substance scores the sentence model
    gave to replies it did not see (out of fold), as it will at run time; scores on its own
    training sentences would be near perfect and teach the ask model to trust them blindly."""
    ask_model = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=1000))
    rows = []
    for fold in range(folds):
        held_out = [p for i, p in enumerate(pairs) if i % folds == fold]
        rest = [p for i, p in enumerate(pairs) if i % folds != fold]
        partial = CompletenessModel(_sentence_model(rest), ask_model, embedder, version)
        rows += [(p, partial.features(p.asks, p.reply)) for p in held_out]
    ask_model.fit(np.vstack([r for _, r in rows]), [a for p, _ in rows for a in p.answered])
    return CompletenessModel(_sentence_model(pairs), ask_model, embedder, version)


BUNDLED_VERSION = "completeness-1"


@cache
def bundled_checker() -> CompletenessModel:
    """Trained from data/completeness/train with the bundled encoder (cached on disk)."""
    from answerdesk.nlp.suggest import bundled_embedder

    embedder = bundled_embedder()
    here = Path(__file__).parent
    inputs = [
        *(DATA / "train").glob("*.jsonl"),
        here / "completeness.py",
        here / "linear_text.py",
        here / "hashed_text.py",
        here / "sentences.py",
    ]

    def build() -> tuple[Pipeline, Pipeline]:
        model = train(read_pairs(DATA / "train"), embedder, BUNDLED_VERSION)
        return model.sentence_model, model.ask_model

    sentence_model, ask_model = cached("completeness", inputs, build)
    return CompletenessModel(sentence_model, ask_model, embedder, BUNDLED_VERSION)
