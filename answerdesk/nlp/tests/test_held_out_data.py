"""The suggestion and completeness dev sets are kept apart from what is tuned or trained on."""

from __future__ import annotations

import json
import re
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"
FAQ = Path(__file__).resolve().parents[2] / "demo" / "faq.json"


def _runs(text: str, n: int) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def _rows(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def test_no_dev_ask_shares_six_words_with_the_tuning_asks_or_the_faq():
    tune = _rows(DATA / "suggestions" / "tune.jsonl")
    faq = json.loads(FAQ.read_text(encoding="utf-8"))
    seen = set().union(
        *(_runs(str(r["ask"]), 6) for r in tune),
        *(_runs(f"{a['title']} {a['question']} {a['answer']}", 6) for a in faq),
    )
    dev = _rows(DATA / "suggestions" / "dev.jsonl")
    assert [r["id"] for r in dev if _runs(str(r["ask"]), 6) & seen] == []


def test_no_dev_pair_copies_a_training_pair():
    # Salutations and stock phrases ("nous avons bien reçu votre message et nous vous…")
    # recur in both sets, as in real mail; twenty words in a row would be a copy.
    def text(row: dict[str, object]) -> str:
        return f"{row['message']}\n{row['reply']}"

    seen = set().union(
        *(_runs(text(r), 20) for r in _rows(DATA / "completeness" / "train" / "pairs.jsonl"))
    )
    dev = _rows(DATA / "completeness" / "dev" / "pairs.jsonl")
    assert [r["id"] for r in dev if _runs(text(r), 20) & seen] == []
