"""`answerdesk ingest`: every source format, idempotent re-runs, the summary, both cores."""

from __future__ import annotations

import hashlib
import mailbox
from pathlib import Path

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from answerdesk.blob_store import BlobStore
from answerdesk.mail.ingest import ingest_path
from answerdesk.mail.models import RawMessage
from answerdesk.mail.tests.mails import make_mail
from answerdesk.tickets.models import Message, Ticket

pytestmark = pytest.mark.django_db

FIXTURES = sorted((Path(__file__).parent / "fixtures").glob("*.eml"))
REAL_MAILS = [path.read_bytes() for path in FIXTURES]

THREAD = [
    make_mail(message_id="t1@example.fr"),
    make_mail(message_id="t2@example.fr", subject="Re: Commande", in_reply_to="t1@example.fr"),
    make_mail(message_id="u1@example.com", sender="John <john@example.com>", subject="Price?"),
]


def write_eml_dir(directory: Path, mails: list[bytes]) -> Path:
    directory.mkdir()
    for i, mail in enumerate(mails):
        (directory / f"{i:03d}.eml").write_bytes(mail)
    (directory / "labels.jsonl").write_text("{}\n")  # travels with corpora; not mail
    return directory


def test_a_directory_of_eml_files_is_ingested_and_threaded(blob_store: BlobStore, tmp_path: Path):
    summary = ingest_path(write_eml_dir(tmp_path / "in", THREAD), store=blob_store, workers=0)

    assert (summary.read, summary.ingested, summary.new_tickets, summary.threaded) == (3, 3, 2, 1)
    assert Ticket.objects.count() == 2


def test_re_running_an_import_is_harmless(blob_store: BlobStore, tmp_path: Path):
    source = write_eml_dir(tmp_path / "in", THREAD)
    ingest_path(source, store=blob_store, workers=0)

    again = ingest_path(source, store=blob_store, workers=0)

    assert (again.read, again.already_imported, again.ingested) == (3, 3, 0)
    assert Message.objects.count() == 3
    assert RawMessage.objects.count() == 3


def test_an_mbox_and_a_maildir_are_read_message_by_message(blob_store: BlobStore, tmp_path: Path):
    box = mailbox.mbox(tmp_path / "archive.mbox")
    box.add(THREAD[0])
    box.add(THREAD[1])
    box.flush()
    maildir = mailbox.Maildir(tmp_path / "Maildir")
    maildir.add(THREAD[2])

    from_mbox = ingest_path(tmp_path / "archive.mbox", store=blob_store, workers=0)
    from_maildir = ingest_path(tmp_path / "Maildir", store=blob_store, workers=0)

    assert (from_mbox.ingested, from_mbox.threaded) == (2, 1)
    assert from_maildir.ingested == 1
    assert RawMessage.objects.filter(source__contains="archive.mbox#1").exists()


def test_parsing_on_two_worker_processes_gives_the_same_tickets(
    blob_store: BlobStore, tmp_path: Path
):
    mails = [
        make_mail(message_id=f"m{i}@example.fr", sender=f"c{i % 7}@example.fr") for i in range(40)
    ]
    mails += [
        make_mail(message_id=f"r{i}@example.fr", in_reply_to=f"m{i}@example.fr") for i in range(40)
    ]

    summary = ingest_path(
        write_eml_dir(tmp_path / "in", mails), store=blob_store, workers=2, batch_size=16
    )

    assert (summary.ingested, summary.new_tickets, summary.threaded) == (80, 40, 40)
    assert all(t.messages.count() == 2 for t in Ticket.objects.all())


def test_an_unreadable_file_is_reported_and_the_rest_goes_on(blob_store: BlobStore, tmp_path: Path):
    source = write_eml_dir(tmp_path / "in", THREAD)
    (source / "broken-link.eml").symlink_to(tmp_path / "nowhere")

    summary = ingest_path(source, store=blob_store, workers=0)

    assert summary.ingested == 3
    assert len(summary.unreadable) == 1
    assert "broken-link" in summary.unreadable[0]


def test_the_command_prints_a_closing_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    source = write_eml_dir(tmp_path / "in", THREAD)

    call_command("ingest", str(source), "--no-progress", "--workers=0")

    out = capsys.readouterr().out
    assert "read 3, ingested 3 (2 new tickets, 1 threaded), duplicates 0" in out
    assert "quarantined 0" in out


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.one_of(
        st.binary(max_size=3000),
        st.builds(
            lambda mail, cut, junk: mail[:cut] + junk + mail[cut:],
            st.sampled_from(THREAD + REAL_MAILS),
            st.integers(min_value=0, max_value=400),
            st.binary(max_size=40),
        ),
    )
)
def test_any_bytes_are_stored_byte_exact_and_end_processed_or_quarantined(
    blob_store: BlobStore, tmp_path: Path, data: bytes
):
    path = tmp_path / "one.eml"
    path.write_bytes(data)

    ingest_path(path, store=blob_store, workers=0)

    if data.startswith(b"From "):  # read as an mbox: the envelope line is not part of the mail
        return
    raw = RawMessage.objects.get(sha256=hashlib.sha256(data).hexdigest())
    assert bytes(raw.data) == data
    assert raw.state != RawMessage.State.RECEIVED


def test_quarantine_list_and_retry_through_the_commands(
    tmp_path: Path, settings, capsys: pytest.CaptureFixture[str]
):
    settings.ANSWERDESK_MAX_MESSAGE_BYTES = 200
    mail = tmp_path / "big.eml"
    mail.write_bytes(make_mail(message_id="big@example.fr", body="x" * 1000 + "\r\n"))
    call_command("ingest", str(mail), "--no-progress", "--workers=0")
    raw = RawMessage.objects.get()

    call_command("quarantine", "list")
    listing = capsys.readouterr().out
    settings.ANSWERDESK_MAX_MESSAGE_BYTES = 10_000
    call_command("quarantine", "retry", str(raw.pk))
    retried = capsys.readouterr().out

    assert f"{raw.pk}\t" in listing
    assert "over the limit of 200" in listing
    assert "1 quarantined" in listing
    assert "retried 1: 0 still quarantined" in retried
    assert Message.objects.filter(message_id="big@example.fr").exists()
