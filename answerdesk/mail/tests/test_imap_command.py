"""`answerdesk imap`: once in-process, and as a long-running process stopped by SIGTERM."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from io import StringIO
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.core.management import CommandError, call_command

from answerdesk.mail.models import ImapMailbox, RawMessage
from answerdesk.mail.tests.mails import make_mail

if TYPE_CHECKING:
    from answerdesk.mail.tests.dovecot import ImapAccount

pytest_plugins = ["answerdesk.mail.tests.dovecot"]

SCRIPT = Path(sys.executable).parent / "answerdesk"
SEEN = b"\\Seen"


def mailbox_fields(account: ImapAccount) -> dict[str, object]:
    return {
        "name": account.user,
        "host": account.host,
        "port": account.port,
        "username": account.user,
        "password": account.password,
        "security": ImapMailbox.Security.NONE,
    }


@pytest.mark.django_db
def test_once_stores_what_is_new_in_each_active_mailbox(imap_account, basic_imap_account):
    for account in (imap_account, basic_imap_account):
        account.append(make_mail(message_id=f"{account.user}@example.fr"))
        ImapMailbox.objects.create(**mailbox_fields(account))
    out = StringIO()

    call_command("imap", "--once", stdout=out)

    assert RawMessage.objects.count() == 2
    assert f"{imap_account.user}: 1 message(s) taken" in out.getvalue()
    assert f"{basic_imap_account.user}: 1 message(s) taken" in out.getvalue()


@pytest.mark.django_db
def test_once_with_mailbox_takes_only_that_one(imap_account, basic_imap_account):
    for account in (imap_account, basic_imap_account):
        account.append(make_mail(message_id=f"{account.user}@example.fr"))
        ImapMailbox.objects.create(**mailbox_fields(account))

    call_command("imap", "--once", "--mailbox", basic_imap_account.user, stdout=StringIO())

    [source] = RawMessage.objects.values_list("source", flat=True)
    assert source.startswith(f"imap:{basic_imap_account.user}:")


@pytest.mark.django_db
def test_once_polls_the_other_mailboxes_when_one_cannot_be_reached(imap_account):
    imap_account.append(make_mail(message_id="reached@example.fr"))
    ImapMailbox.objects.create(**mailbox_fields(imap_account))
    # polled first (by name), on a port where nothing listens
    ImapMailbox.objects.create(**{**mailbox_fields(imap_account), "name": "a-closed", "port": 1})
    err = StringIO()

    with pytest.raises(CommandError, match="could not poll a-closed"):
        call_command("imap", "--once", stdout=StringIO(), stderr=err)

    assert "a-closed: [Errno 111] Connection refused" in err.getvalue()
    assert RawMessage.objects.count() == 1


@pytest.mark.django_db
def test_an_unknown_or_inactive_mailbox_is_an_error(imap_account):
    ImapMailbox.objects.create(**mailbox_fields(imap_account), active=False)

    with pytest.raises(CommandError, match="no active IMAP mailbox named 'nope'"):
        call_command("imap", "--once", "--mailbox", "nope")
    with pytest.raises(CommandError, match="no active IMAP mailbox"):
        call_command("imap", "--once")


def test_the_command_keeps_taking_mail_until_sigterm(imap_account, tmp_path):
    env = {**os.environ, "ANSWERDESK_DATA_DIR": str(tmp_path / "var")}
    env.pop("DATABASE_URL", None)  # its own SQLite file, whatever the suite runs on
    database = tmp_path / "var" / "answerdesk.sqlite3"

    def answerdesk(*args: str) -> None:
        done = subprocess.run(
            [str(SCRIPT), *args], capture_output=True, text=True, env=env, timeout=120
        )
        assert done.returncode == 0, done.stderr

    def wait_for_rows(count: int) -> int:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with closing(sqlite3.connect(database)) as db:
                rows = db.execute("SELECT count(*) FROM mail_rawmessage").fetchone()[0]
            if rows >= count:
                break
            time.sleep(0.1)
        return int(rows)

    answerdesk("migrate", "-v0")
    fields = mailbox_fields(imap_account)
    answerdesk(
        "shell",
        "-c",
        f"from answerdesk.mail.models import ImapMailbox as M; M.objects.create(**{fields!r})",
    )
    imap_account.append(make_mail(message_id="before@example.fr"))
    process = subprocess.Popen(
        [str(SCRIPT), "imap"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        assert "polling" in process.stdout.readline()
        first = wait_for_rows(1)
        # when a message arrives while the command waits for news
        time.sleep(1.0)
        imap_account.append(make_mail(message_id="while@example.fr"))
        second = wait_for_rows(2)

        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=10)
    finally:
        process.kill()
        process.wait()

    assert (first, second) == (1, 2), stderr
    assert process.returncode == 0, stderr
    assert all(SEEN in flags for _, flags in imap_account.messages().values())
