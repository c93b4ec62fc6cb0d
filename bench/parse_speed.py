"""Time parse_message on one core over a make_corpus.py directory and check it against labels.

Usage:
    python3 ../shared/bench/make_corpus.py 5000 /tmp/corpus5000 42
    .venv/bin/python bench/parse_speed.py /tmp/corpus5000 [--runs 3] [--show 10]

Prints the median messages per second of the runs, in one process and one thread, so on
one core (files are read into memory first, so only parsing is timed). Then it prints how
many messages match their label on subject, sender, missing date and attachments (count,
names, sizes), and whether each deliberately malformed message carries the flag of its
damage.

Expected misses on the seed-42 corpus: five "bad_base64" subjects whose last base64
characters were cut off by the generator (those bytes are not in the message, so the last
letter cannot come back), and one subject labelled "" whose header says "Commande".
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from answerdesk.mail.parsing import Flag, ParsedMessage, parse_message

RECEIVED_AT = dt.datetime(2025, 7, 1, 12, 0, tzinfo=dt.UTC)
# The flag that shows each kind of deliberate damage in the corpus was noticed and repaired.
MALFORMED_FLAGS = {
    "missing_date": Flag.DATE_MISSING,
    "broken_subject": Flag.HEADER_REPAIRED,
    "bare_lf": Flag.BARE_LF,
    "charset_mismatch": Flag.CHARSET_REPAIRED,
    "unterminated_multipart": Flag.MIME_DEFECT,
}


def time_runs(raws: list[bytes], runs: int) -> list[float]:
    rates = []
    for _ in range(runs):
        start = time.perf_counter()
        for raw in raws:
            parse_message(raw, RECEIVED_AT)
        rates.append(len(raws) / (time.perf_counter() - start))
    return rates


def mismatches(parsed: ParsedMessage, label: dict[str, Any]) -> list[str]:
    wrong = []
    # Trailing white space of a Subject is not meaningful; the parser strips it.
    if parsed.subject != label["subject"].strip():
        wrong.append(f"subject {parsed.subject!r} != {label['subject']!r}")
    sender = parsed.from_.email if parsed.from_ else None
    if sender != label["from"]:
        wrong.append(f"from {sender!r} != {label['from']!r}")
    if (label["date"] is None) != (Flag.DATE_MISSING in parsed.flags):
        wrong.append("date missing" if label["date"] is None else "date flagged missing")
    got = [(a.filename, a.content_type, a.size) for a in parsed.attachments]
    expected = [(a["filename"], a["content_type"], a["size"]) for a in label["attachments"]]
    if got != expected:
        wrong.append(f"attachments {got} != {expected}")
    flag = MALFORMED_FLAGS.get(label["malformed"] or "")
    if flag is not None and flag not in parsed.flags:
        wrong.append(f"{label['malformed']} not flagged {flag}")
    if label["malformed"] is None and parsed.defects:
        wrong.append(f"defects on a well-formed message: {parsed.defects}")
    return wrong


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, nargs="?", default=Path("/tmp/corpus5000"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--show", type=int, default=10, help="mismatches to print")
    args = parser.parse_args()
    labels = [json.loads(line) for line in (args.corpus / "labels.jsonl").open(encoding="utf-8")]
    raws = [(args.corpus / label["file"]).read_bytes() for label in labels]

    rates = time_runs(raws, args.runs)
    print(f"{len(raws)} messages, {sum(map(len, raws)) / len(raws):.0f} bytes on average")
    runs = ", ".join(f"{rate:,.0f}" for rate in rates)
    median = statistics.median(rates)
    print(f"parse_message: {median:,.0f} msgs/s on one core (median of {args.runs}: {runs})")

    problems: Counter[str] = Counter()
    shown = failing = 0
    for label, raw in zip(labels, raws, strict=True):
        wrong = mismatches(parse_message(raw, RECEIVED_AT), label)
        failing += bool(wrong)
        for item in wrong:
            problems[item.split(" ", 1)[0]] += 1
        if wrong and shown < args.show:
            shown += 1
            print(f"  {label['file']} ({label['malformed'] or 'well-formed'}): " + "; ".join(wrong))
    total = len(labels)
    print(f"all checks right: {total - failing}/{total}")
    for kind in ("subject", "from", "date", "attachments"):
        print(f"  {kind:<12} right: {total - problems[kind]}/{total}")
    for kind, flag in MALFORMED_FLAGS.items():
        count = sum(1 for label in labels if label["malformed"] == kind)
        print(f"  {kind:<24} flagged {flag}: {count - problems[kind]}/{count}")
    print(f"  well-formed messages with defects: {problems['defects']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
