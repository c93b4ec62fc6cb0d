"""Evaluate language, kind and asks on the hand-written dev set the models never saw.

    .venv/bin/python bench/nlp_eval.py [--errors]

Trains the bundled models from answerdesk/nlp/data/understanding/train, then reads every
dev email as live mail is read (quote stripping, language, kind, asks) and prints kind
accuracy and macro-F1 per language, ask precision and recall, the rate of exactly right ask
counts and the median time per message.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sklearn.metrics import accuracy_score, f1_score

from answerdesk.nlp.dataset import DEV, KINDS, Example, read_dir
from answerdesk.nlp.evaluation import match_asks
from answerdesk.nlp.training import new_text
from answerdesk.nlp.understanding import Reader, Understanding, bundled_reader


def read_one(reader: Reader, example: Example) -> tuple[Understanding, int]:
    text, offset = new_text(example)
    if offset < 0:
        text, offset = example.body, 0
    return reader.read(example.subject, text), offset


def timing(reader: Reader, examples: list[Example], passes: int = 5) -> float:
    texts = [(e.subject, new_text(e)[0]) for e in examples]
    per_pass = []
    for _ in range(passes):
        started = time.perf_counter()
        for subject, text in texts:
            reader.read(subject, text)
        per_pass.append((time.perf_counter() - started) / len(texts))
    return statistics.median(per_pass) * 1000


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("--errors", action="store_true", help="print every mistake")
    arguments = options.parse_args()

    started = time.perf_counter()
    reader = bundled_reader()
    print(f"training: {time.perf_counter() - started:.1f} s ({reader.version})")
    examples = read_dir(DEV)
    results = [(e, *read_one(reader, e)) for e in examples]

    for language in ("fr", "en"):
        mine = [(e, u) for e, u, _ in results if e.language == language]
        gold = [e.kind for e, _ in mine]
        guessed = [u.kind for _, u in mine]
        accuracy = accuracy_score(gold, guessed)
        macro = f1_score(gold, guessed, labels=list(KINDS), average="macro", zero_division=0)
        right = sum(u.language == language for _, u in mine)
        print(
            f"{language}: {len(mine)} emails, language {right}/{len(mine)}, "
            f"kind accuracy {accuracy:.3f}, macro-F1 {macro:.3f}"
        )
        for kind in KINDS:
            f1 = f1_score(gold, guessed, labels=[kind], average="macro", zero_division=0)
            print(f"    {kind:20} F1 {f1:.3f}")

    predicted = labelled = matched = exact = 0
    for example, understanding, offset in results:
        spans = [(a.start + offset, a.end + offset) for a in understanding.asks]
        gold_spans = [(a.start, a.end) for a in example.asks]
        counts = match_asks(example.body, spans, gold_spans)
        predicted += counts.predicted
        labelled += counts.labelled
        matched += counts.matched
        exact += len(spans) == len(gold_spans)
        if arguments.errors and (
            counts.matched != counts.predicted
            or counts.matched != counts.labelled
            or understanding.kind != example.kind
        ):
            print(f"\n--- {example.id}: kind {example.kind} -> {understanding.kind}")
            for s, e in gold_spans:
                print(f"  gold: {example.body[s:e]!r}")
            for s, e in spans:
                print(f"  seen: {example.body[s:e]!r}")
    print(
        f"asks: {labelled} labelled, {predicted} predicted, precision "
        f"{matched / max(predicted, 1):.3f}, recall {matched / max(labelled, 1):.3f}, "
        f"exact count {exact}/{len(results)} = {exact / len(results):.3f}"
    )
    print(f"time: {timing(reader, examples):.2f} ms per message (median of 5 passes)")


if __name__ == "__main__":
    main()
