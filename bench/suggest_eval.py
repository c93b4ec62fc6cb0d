"""How well FAQ suggestions answer asks: the demo FAQ against hand-labelled asks.

    .venv/bin/python bench/suggest_eval.py            # tune.jsonl: choose the threshold here
    .venv/bin/python bench/suggest_eval.py --dev      # dev.jsonl: the figures to quote

Data: answerdesk/nlp/data/suggestions/ (see its README.md). For each ask, the best article
is right when its topic is the labelled one (a French article and its English twin are one
topic). At each threshold, a suggestion at or above it is "confident", i.e. quoted to the
customer in the acknowledgement, so the figures that matter are: of the quoted answers, how
many were right (precision), how many asks that the FAQ answers got one (coverage), and how
many asks the FAQ does not answer got one anyway.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from answerdesk.nlp.suggest import (
    CONFIDENT,
    CONFIDENT_MARGIN,
    Article,
    SuggestionIndex,
    bundled_embedder,
)

ROOT = Path(__file__).resolve().parents[1]
FAQ = ROOT / "answerdesk" / "demo" / "faq.json"
DATA = ROOT / "answerdesk" / "nlp" / "data" / "suggestions"


def load_faq() -> tuple[list[Article], dict[int, str]]:
    """The articles, and each one's topic (a French article and its English twin share it)."""
    rows = json.loads(FAQ.read_text(encoding="utf-8"))
    articles = [
        Article(key, r["language"], r["title"], r["question"], r["answer"], r["topic"])
        for key, r in enumerate(rows)
    ]
    return articles, {a.key: a.topic for a in articles}


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("--dev", action="store_true", help="evaluate on dev.jsonl")
    arguments = options.parse_args()
    path = DATA / ("dev.jsonl" if arguments.dev else "tune.jsonl")
    asks = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    articles, topics = load_faq()
    index = SuggestionIndex(articles, bundled_embedder())
    timings = []
    best = []
    for ask in asks:
        started = time.perf_counter()
        [suggestions] = index.suggest([ask["ask"]], limit=1)
        timings.append(time.perf_counter() - started)
        best.append(suggestions[0])
    answerable = [a["topic"] is not None for a in asks]
    right = [topics[b.key] == a["topic"] for b, a in zip(best, asks, strict=True)]
    print(f"{path.name}: {len(asks)} asks, {sum(answerable)} answered by the FAQ")
    print(f"best article right: {sum(right)} of {sum(answerable)}")
    for language in ("fr", "en"):
        rows = [r for r, a in zip(right, asks, strict=True) if a["language"] == language]
        total = sum(1 for a in asks if a["language"] == language and a["topic"])
        print(f"  {language}: {sum(rows)} of {total}")

    def report(name: str, quoted: list[bool]) -> None:
        good = sum(q and r for q, r in zip(quoted, right, strict=True))
        unanswerable = sum(q and not has for q, has in zip(quoted, answerable, strict=True))
        print(
            f"{name}: quoted {sum(quoted)}, precision {good / max(sum(quoted), 1):.3f}, "
            f"coverage {good / sum(answerable):.3f}, quoted for an ask the FAQ does not "
            f"answer {unanswerable} of {len(asks) - sum(answerable)}"
        )

    report(
        f"confident (score >= {CONFIDENT}, lead >= {CONFIDENT_MARGIN})",
        [b.confident for b in best],
    )
    for lead in (0.0, 0.08, 0.10, 0.12, 0.14):
        for score in (0.40, 0.45, 0.50):
            quoted = [b.score >= score and b.margin >= lead for b in best]
            report(f"  score >= {score:.2f}, lead >= {lead:.2f}", quoted)
    print(f"time: {statistics.median(timings) * 1000:.1f} ms per ask (median)")


if __name__ == "__main__":
    main()
