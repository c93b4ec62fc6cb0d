"""Cross-validate the kind and ask models on the training data: the figures to tune on.

    .venv/bin/python bench/nlp_cv.py [--folds 5]

The dev set (bench/nlp_eval.py) is for reporting only; choices of features and thresholds
are made on these figures, so that the dev figures stay those of unseen mail.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold

from answerdesk.nlp.dataset import KINDS, Example, training_examples
from answerdesk.nlp.evaluation import match_asks
from answerdesk.nlp.training import new_text, train_ask_model, train_kind_model


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("--folds", type=int, default=5)
    options.add_argument("--without-extra", action="store_true", help="leave extra_*.jsonl out")
    options.add_argument(
        "--errors", action="store_true", help="print the emails whose asks are wrong at 0.5"
    )
    arguments = options.parse_args()
    everything = training_examples()
    # The first 660 emails are the folds; emails written later to add variety (extra_*.jsonl)
    # only ever join the training side, so that figures stay comparable across versions.
    examples = [e for e in everything if not e.id.startswith("extra-")]
    extra = [e for e in everything if e.id.startswith("extra-")]
    if arguments.without_extra:
        extra = []
    folds = StratifiedKFold(arguments.folds, shuffle=True, random_state=7)
    gold: list[str] = []
    guessed: list[str] = []
    languages: list[str] = []
    thresholds = (0.3, 0.4, 0.5, 0.6, 0.7)
    counts: dict[float, list[int]] = {
        t: [0, 0, 0, 0] for t in thresholds
    }  # predicted, labelled, matched, exact
    for train_index, test_index in folds.split(examples, [e.kind for e in examples]):
        train = [examples[i] for i in train_index] + extra
        kinds = train_kind_model(train, "cv")
        asks = train_ask_model(train, "cv")
        for i in test_index:
            example = examples[i]
            text, offset = new_text(example)
            if offset < 0:
                text, offset = example.body, 0
            guess = kinds.guess(example.subject, text)
            gold.append(example.kind)
            guessed.append(guess.kind)
            languages.append(example.language)
            labelled = [(a.start, a.end) for a in example.asks]
            for threshold in thresholds:
                asks.threshold = threshold
                found = [(a.start + offset, a.end + offset) for a in asks.find(text, guess.kind)]
                result = match_asks(example.body, found, labelled)
                row = counts[threshold]
                row[0] += result.predicted
                row[1] += result.labelled
                row[2] += result.matched
                row[3] += len(found) == len(labelled)
                if (
                    arguments.errors
                    and threshold == 0.5
                    and result.matched != max(len(found), len(labelled))
                ):
                    show(example, found, labelled)
    for language in ("fr", "en"):
        pairs = [
            (g, p) for g, p, lang in zip(gold, guessed, languages, strict=True) if lang == language
        ]
        macro = f1_score(
            [g for g, _ in pairs], [p for _, p in pairs], labels=list(KINDS), average="macro"
        )
        print(f"{language}: kind macro-F1 {macro:.3f} ({len(pairs)} emails)")
    for threshold, (n_predicted, n_labelled, n_matched, n_exact) in counts.items():
        print(
            f"asks at {threshold}: precision {n_matched / max(n_predicted, 1):.3f}, "
            f"recall {n_matched / max(n_labelled, 1):.3f}, exact count {n_exact / len(gold):.3f}"
        )


def show(example: Example, found: list[tuple[int, int]], labelled: list[tuple[int, int]]) -> None:
    print(f"--- {example.id} ({example.language}, {example.kind})")
    for start, end in labelled:
        print(f"  labelled: {example.body[start:end]!r}")
    for start, end in found:
        print(f"  found:    {example.body[start:end]!r}")


if __name__ == "__main__":
    main()
