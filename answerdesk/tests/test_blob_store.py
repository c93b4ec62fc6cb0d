"""The content-addressed blob store: byte-exact, idempotent, atomic."""

from __future__ import annotations

import hashlib

from answerdesk.blob_store import BlobStore


def test_bytes_come_back_exactly_under_their_sha256(blob_store: BlobStore):
    data = b"From: a@example.fr\r\n\r\n\xe9t\xe9\r\n"

    digest = blob_store.put(data)

    assert digest == hashlib.sha256(data).hexdigest()
    assert blob_store.get(digest) == data
    assert blob_store.path(digest).parent.name == digest[:2]


def test_storing_the_same_bytes_twice_keeps_one_file(blob_store: BlobStore):
    first = blob_store.put(b"same", sync=False)
    second = blob_store.put(b"same")
    blob_store.sync()

    assert first == second
    assert [p.name for p in blob_store.root.rglob("*") if p.is_file()] == [first]


def test_a_truncated_blob_is_rewritten_and_no_temporary_file_is_left(blob_store: BlobStore):
    digest = blob_store.put(b"complete message")
    blob_store.path(digest).write_bytes(b"compl")  # a crash before the disk had it all

    assert not blob_store.exists(digest, size=len(b"complete message"))
    blob_store.put(b"complete message")

    assert blob_store.get(digest) == b"complete message"
    assert not [p for p in blob_store.root.rglob(".tmp-*")]
