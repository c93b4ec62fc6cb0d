"""Ingest benchmark: 5,000 generated customer emails into a fresh SQLite database.

    .venv/bin/python bench/ingest.py [--runs 3] [--size 5000] [--workers N]

Generates the corpus with ../shared/bench/make_corpus.py SIZE DIR 42, then, per run, ingests it
in a fresh process into a fresh database and blob store, and prints messages/s, peak RSS and the
counts; then the median over the runs, and checks what was stored against labels.jsonl (every
message stored, threads joined, malformed messages repaired and flagged).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAKE_CORPUS = ROOT.parent / "shared" / "bench" / "make_corpus.py"


def one_run(corpus: Path, data_dir: Path, workers: int | None) -> dict[str, object]:
    """Runs in a fresh process (so peak RSS is this run's); prints one JSON line."""
    os.environ["ANSWERDESK_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "answerdesk.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from answerdesk.blob_store import default_store
    from answerdesk.mail.ingest import ingest_path

    data_dir.mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    summary = ingest_path(corpus, store=default_store(), workers=workers)
    seconds = time.perf_counter() - started
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "seconds": seconds,
        "msgs_per_s": summary.read / seconds,
        "peak_rss_mb": own,
        "peak_rss_worker_mb": children,
        "read": summary.read,
        "ingested": summary.ingested,
        "new_tickets": summary.new_tickets,
        "threaded": summary.threaded,
        "duplicates": summary.duplicates,
        "quarantined": summary.quarantined,
        "unreadable": len(summary.unreadable),
    }


def check_fidelity(corpus: Path, data_dir: Path) -> dict[str, object]:
    """Compare the stored messages with the corpus labels."""
    os.environ["ANSWERDESK_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "answerdesk.settings")
    import django

    django.setup()
    from answerdesk.tickets.models import Message

    labels = [json.loads(line) for line in (corpus / "labels.jsonl").open()]
    stored = {
        m["message_id"]: m
        for m in Message.objects.values("message_id", "ticket_id", "subject", "flags", "sent_at")
    }
    by_file = {lab["file"]: lab for lab in labels}
    missing, wrong_subject, wrong_thread, unflagged = [], [], [], []
    expected_flag = {
        "missing_date": "date_missing",
        "broken_subject": "header_repaired",
        "bare_lf": "bare_lf",
        "charset_mismatch": "charset_repaired",
        "unterminated_multipart": "mime_defect",
    }
    for lab in labels:
        message = stored.get(lab["message_id"].strip("<>"))
        if message is None:
            missing.append(lab["file"])
            continue
        # Labels of replies may end in a space ("Re: "); the parser strips subjects.
        if message["subject"].strip() != lab["subject"].strip():
            wrong_subject.append(lab["file"])
        parent = lab["thread_parent"] and by_file[lab["thread_parent"]]
        if parent:
            parent_message = stored.get(parent["message_id"].strip("<>"))
            if parent_message is None or parent_message["ticket_id"] != message["ticket_id"]:
                wrong_thread.append(lab["file"])
        flag = expected_flag.get(lab["malformed"] or "")
        if flag and flag not in message["flags"]:
            unflagged.append(f"{lab['file']}:{lab['malformed']}")
    return {
        "labelled": len(labels),
        "stored": len(labels) - len(missing),
        "missing": missing[:10],
        "wrong_subject": len(wrong_subject),
        "wrong_subject_examples": wrong_subject[:5],
        "threads_expected": sum(1 for lab in labels if lab["thread_parent"]),
        "threads_wrong": wrong_thread[:10],
        "malformed": sum(1 for lab in labels if lab["malformed"]),
        "malformed_unflagged": unflagged[:10],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--size", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--corpus", type=Path, default=None)
    parser.add_argument("--one-run", nargs=2, type=Path, metavar=("CORPUS", "DATA_DIR"))
    parser.add_argument("--check", nargs=2, type=Path, metavar=("CORPUS", "DATA_DIR"))
    args = parser.parse_args()
    if args.one_run:
        corpus, data_dir = args.one_run
        print(json.dumps(one_run(corpus, data_dir, args.workers)))
        return
    if args.check:
        print(json.dumps(check_fidelity(*args.check)))
        return
    work = Path(tempfile.mkdtemp(prefix="answerdesk-bench-"))
    corpus = args.corpus or work / "corpus"
    if not (corpus / "labels.jsonl").exists():
        subprocess.run(
            [sys.executable, str(MAKE_CORPUS), str(args.size), str(corpus), "42"], check=True
        )
    results: list[dict[str, float]] = []
    for run in range(args.runs):
        data_dir = work / f"run{run}"
        command = [sys.executable, __file__, "--one-run", str(corpus), str(data_dir)]
        if args.workers is not None:
            command += ["--workers", str(args.workers)]
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        result = json.loads(out.strip().splitlines()[-1])
        results.append(result)
        print(f"run {run + 1}: " + json.dumps(result))
    median = {
        key: statistics.median(float(r[key]) for r in results)
        for key in ("msgs_per_s", "seconds", "peak_rss_mb", "peak_rss_worker_mb")
    }
    print("median: " + json.dumps({k: round(v, 1) for k, v in median.items()}))
    check = subprocess.run(
        [sys.executable, __file__, "--check", str(corpus), str(work / "run0")],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    print("fidelity: " + check.strip().splitlines()[-1])
    print(
        f"answerdesk ingest: N={results[0]['read']} median {median['msgs_per_s']:.0f} msgs/s, "
        f"peak RSS {median['peak_rss_mb']:.0f} MB "
        f"(+ {median['peak_rss_worker_mb']:.0f} MB per parser process)"
    )


if __name__ == "__main__":
    main()
