"""Step: parse the raw bytes, store the attachments, prepare the rows (in the parser processes)."""

from __future__ import annotations

import datetime as dt

from answerdesk.blob_store import BlobStore
from answerdesk.mail.parsing import parse_message
from answerdesk.mail.pipeline.context import Quarantine
from answerdesk.mail.pipeline.prepared import PreparedMessage, prepare
from answerdesk.mail.portal_facts import PORTAL_HEADER, portal_facts


def parse(
    data: bytes,
    sha256: str,
    received_at: dt.datetime,
    max_bytes: int,
    store: BlobStore,
    source: str = "",
) -> PreparedMessage | Quarantine:
    """Parse one message, or say why it must be quarantined; never raises.

    Returned rather than raised because it crosses a process boundary in a batch import.
    Attachments go to the blob store here, unsynced (the writer syncs before it commits the
    rows naming them), so their bytes need not travel back to the writer process.
    """
    if len(data) > max_bytes:
        return Quarantine(f"message is {len(data):,} bytes, over the limit of {max_bytes:,}")
    try:
        parsed = parse_message(data, received_at)
        for part in parsed.attachments:
            store.put(part.payload, sync=False, sha256=part.sha256)
        facts = portal_facts(source, parsed.header(PORTAL_HEADER))
        return prepare(parsed, sha256, received_at, portal=facts)
    except Exception as exc:  # the parser is built never to raise; if it does, keep the mail
        return Quarantine(f"parse failed: {type(exc).__name__}: {exc}")
