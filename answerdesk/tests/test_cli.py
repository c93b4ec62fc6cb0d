"""The `answerdesk` console script wraps the management commands."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from answerdesk.mail.tests.mails import make_mail

SCRIPT = Path(sys.executable).parent / "answerdesk"


def run(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ANSWERDESK_DATA_DIR": str(tmp_path / "var")}
    env.pop("DATABASE_URL", None)  # a throwaway SQLite database, whatever the suite runs on
    return subprocess.run(
        [str(SCRIPT), *args], capture_output=True, text=True, env=env, timeout=120
    )


def test_parse_prints_one_json_object_per_file_and_goes_on_after_a_bad_one(tmp_path: Path):
    (tmp_path / "mails").mkdir()
    (tmp_path / "mails" / "a.eml").write_bytes(make_mail(message_id="cli1@example.fr"))
    (tmp_path / "mails" / "b.txt").write_bytes(b"\xff\xfe not really mail")
    (tmp_path / "mails" / "c").mkdir()  # a directory inside is not a file to parse

    result = run("parse", str(tmp_path / "mails"), "--json", tmp_path=tmp_path)

    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.returncode == 0, result.stderr
    assert [Path(r["file"]).name for r in records] == ["a.eml", "b.txt"]
    assert records[0]["message_id"] == "cli1@example.fr"
    assert records[0]["from_email"] == "marie.dupont@example.fr"
    assert set(records[0]) >= {
        "subject",
        "to",
        "cc",
        "reply_to",
        "date",
        "in_reply_to",
        "references",
        "text",
        "html",
        "new_text",
        "attachments",
        "flags",
    }


def test_strip_prints_the_new_text_of_each_body(tmp_path: Path):
    body = tmp_path / "reply.txt"
    attribution = "Le lun. 16 nov. 2026 à 09:30, Support <s@x.fr> a écrit :"
    body.write_text(f"Merci, c'est réglé.\n\n{attribution}\n> Bonjour\n")

    result = run("strip", str(body), "--json", tmp_path=tmp_path)

    assert json.loads(result.stdout) == {"file": str(body), "new_text": "Merci, c'est réglé."}


def test_ingest_then_quarantine_list_through_the_console_script(tmp_path: Path):
    mail = tmp_path / "one.eml"
    mail.write_bytes(make_mail(message_id="cli2@example.fr"))
    assert run("migrate", "-v0", tmp_path=tmp_path).returncode == 0

    ingest = run("ingest", str(mail), "--no-progress", tmp_path=tmp_path)
    listing = run("quarantine", "list", tmp_path=tmp_path)

    assert "ingested 1 (1 new tickets, 0 threaded)" in ingest.stdout, ingest.stderr
    assert listing.stdout.strip().endswith("0 quarantined")
