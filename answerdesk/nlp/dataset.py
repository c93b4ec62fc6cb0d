"""The hand-written understanding data: emails labelled with their kind and asks.

See data/understanding/GUIDELINES.md. `train/` is what models learn from; `dev/` is kept
for evaluation only and never read by training code. `python -m answerdesk.nlp.dataset FILE…`
checks files against the guidelines.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).parent / "data" / "understanding"
TRAIN = DATA / "train"
DEV = DATA / "dev"
KINDS = (
    "complaint",
    "sales_inquiry",
    "technical_problem",
    "job_application",
    "company_information",
    "other",
)
LANGUAGES = ("fr", "en")


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Example:
    id: str
    language: str
    kind: str
    subject: str
    body: str
    asks: tuple[Span, ...]


class DatasetError(ValueError):
    pass


def spans_of(body: str, asks: list[str], where: str) -> tuple[Span, ...]:
    # Each ask is the next occurrence of its text after the previous ask starts, so the
    # same words asked twice in one mail resolve to two places.
    spans, cursor = [], 0
    for text in asks:
        if not isinstance(text, str) or not text.strip():
            raise DatasetError(f"{where}: an ask is empty")
        start = body.find(text, cursor)
        if start < 0:
            raise DatasetError(f"{where}: ask not found in body (in order): {text!r}")
        spans.append(Span(start, start + len(text), text))
        cursor = start + 1
    return tuple(spans)


def parse_line(line: str, where: str) -> Example:
    try:
        raw = json.loads(line)
    except json.JSONDecodeError as error:
        raise DatasetError(f"{where}: not JSON ({error})") from None
    missing = {"id", "language", "kind", "subject", "body", "asks"} - set(raw)
    if missing:
        raise DatasetError(f"{where}: missing {sorted(missing)}")
    if raw["language"] not in LANGUAGES:
        raise DatasetError(f"{where}: language {raw['language']!r} not in {LANGUAGES}")
    if raw["kind"] not in KINDS:
        raise DatasetError(f"{where}: kind {raw['kind']!r} not in {KINDS}")
    if not isinstance(raw["asks"], list):
        raise DatasetError(f"{where}: asks must be a list of strings")
    return Example(
        id=str(raw["id"]),
        language=raw["language"],
        kind=raw["kind"],
        subject=str(raw["subject"]),
        body=str(raw["body"]),
        asks=spans_of(str(raw["body"]), raw["asks"], where),
    )


def read(path: Path) -> list[Example]:
    examples = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            examples.append(parse_line(line, f"{path.name}:{number}"))
    return examples


def read_dir(directory: Path) -> list[Example]:
    examples = [e for path in sorted(directory.glob("*.jsonl")) for e in read(path)]
    duplicates = [i for i, n in Counter(e.id for e in examples).items() if n > 1]
    if duplicates:
        raise DatasetError(f"{directory.name}: duplicate ids {duplicates[:5]}")
    return examples


def training_examples() -> list[Example]:
    return read_dir(TRAIN)


def main(paths: list[str]) -> int:
    failed = False
    for name in paths:
        try:
            examples = read(Path(name))
        except (DatasetError, OSError) as error:
            print(error)
            failed = True
            continue
        counts = Counter((e.language, e.kind) for e in examples)
        asks = sum(len(e.asks) for e in examples)
        print(f"{name}: {len(examples)} emails, {asks} asks")
        for (language, kind), count in sorted(counts.items()):
            print(f"  {language} {kind}: {count}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
