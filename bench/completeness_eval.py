"""Does a reply answer each ask? The completeness checker on hand-labelled pairs.

    .venv/bin/python bench/completeness_eval.py          # dev set: the figures to quote
    .venv/bin/python bench/completeness_eval.py --cv     # 5-fold CV on train: tune here

Data: answerdesk/nlp/data/completeness/ (GUIDELINES.md). The models are trained on train/
only; dev/ is written by other people and never trained or tuned on. Prints per-ask
accuracy, precision and recall of "not answered" (a missing answer caught), reply-level
"complete" accuracy, and ms per pair (median, one pair at a time, as the composer asks).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from answerdesk.nlp.completeness import (
    DATA,
    THRESHOLD,
    CompletenessModel,
    Pair,
    read_pairs,
    train,
)
from answerdesk.nlp.suggest import bundled_embedder


def verdicts(
    model: CompletenessModel, pairs: Sequence[Pair]
) -> tuple[list[list[float]], list[float]]:
    """Per pair, the probability that each ask is answered; and the time per pair."""
    probabilities, timings = [], []
    for pair in pairs:
        started = time.perf_counter()
        check = model.check(pair.asks, pair.reply)
        timings.append(time.perf_counter() - started)
        probabilities.append(
            [v.confidence if v.answered else 1 - v.confidence for v in check.verdicts]
        )
    return probabilities, timings


def report(pairs: Sequence[Pair], probabilities: list[list[float]], threshold: float) -> str:
    asks = correct = caught = flagged = missing = complete_right = 0
    for pair, row in zip(pairs, probabilities, strict=True):
        said = [p >= threshold for p in row]
        asks += len(said)
        correct += sum(s == a for s, a in zip(said, pair.answered, strict=True))
        flagged += sum(not s for s in said)
        missing += sum(not a for a in pair.answered)
        caught += sum(not s and not a for s, a in zip(said, pair.answered, strict=True))
        complete_right += all(said) == all(pair.answered)
    return (
        f"at {threshold:.2f}: per-ask accuracy {correct / asks:.3f}; not answered: "
        f"precision {caught / max(flagged, 1):.3f}, recall {caught / max(missing, 1):.3f}; "
        f"reply complete accuracy {complete_right / len(pairs):.3f}"
    )


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("--cv", action="store_true", help="5-fold CV on the training pairs")
    arguments = options.parse_args()
    embedder = bundled_embedder()
    training = read_pairs(DATA / "train")
    thresholds = sorted({0.3, 0.4, 0.5, 0.6, 0.7, THRESHOLD})
    if arguments.cv:
        folds = 5
        tested: list[Pair] = []
        probabilities: list[list[float]] = []
        timings: list[float] = []
        for fold in range(folds):
            held_out = [p for i, p in enumerate(training) if i % folds == fold]
            rest = [p for i, p in enumerate(training) if i % folds != fold]
            model = train(rest, embedder, "cv")
            found, spent = verdicts(model, held_out)
            tested += held_out
            probabilities += found
            timings += spent
        name = f"train (5-fold CV, {len(training)} pairs)"
    else:
        started = time.perf_counter()
        model = train(training, embedder, "eval")
        print(f"training: {time.perf_counter() - started:.1f} s on {len(training)} pairs")
        tested = read_pairs(DATA / "dev")
        probabilities, timings = verdicts(model, tested)
        name = f"dev ({len(tested)} pairs)"
    asks = sum(len(p.asks) for p in tested)
    unanswered = sum(not a for p in tested for a in p.answered)
    print(f"{name}: {asks} asks, {unanswered} not answered")
    for threshold in thresholds:
        mark = "  <- THRESHOLD" if threshold == THRESHOLD else ""
        print(report(tested, probabilities, threshold) + mark)
    print(f"time: {statistics.median(timings) * 1000:.1f} ms per pair (median)")


if __name__ == "__main__":
    main()
