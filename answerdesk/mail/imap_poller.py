"""Poll IMAP mailboxes: store each new message durably, and only then mark it seen or move it."""

from __future__ import annotations

import logging
import ssl
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol

from django.db import connections
from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, ProtocolError

from answerdesk.mail.actions import do_accept
from answerdesk.mail.models import ImapMailbox

logger = logging.getLogger(__name__)

SEEN = b"\\Seen"
DELETED = b"\\Deleted"
# RFC 2177 §3: a server may log out a client idle for 30 minutes, so IDLE is re-issued
# at least every 29.
IDLE_RENEW_SECONDS = 29 * 60
# Messages are fetched in batches small enough to hold in memory (a message may be 50 MB).
BATCH_MESSAGES = 50
BATCH_BYTES = 64 * 2**20
RETRY_FIRST_SECONDS = 5.0
RETRY_MAX_SECONDS = 300.0
# For connecting and for each command; IDLE waits longer, in idle_check() slices.
TIMEOUT_SECONDS = 60.0


class ImapSession(Protocol):
    """What the poller uses of an IMAPClient connection (logged in, nothing selected)."""

    def has_capability(self, capability: str) -> bool: ...
    def select_folder(self, folder: str) -> dict[bytes, Any]: ...
    def search(self, criteria: list[str]) -> list[int]: ...
    def fetch(self, messages: Sequence[int], data: list[str]) -> dict[int, dict[bytes, Any]]: ...
    def add_flags(self, messages: Sequence[int], flags: list[bytes], silent: bool) -> Any: ...
    def move(self, messages: Sequence[int], folder: str) -> Any: ...
    def copy(self, messages: Sequence[int], folder: str) -> Any: ...
    def uid_expunge(self, messages: Sequence[int]) -> Any: ...
    def expunge(self) -> Any: ...
    def folder_exists(self, folder: str) -> bool: ...
    def create_folder(self, folder: str) -> Any: ...
    def idle(self) -> None: ...
    def idle_check(self, timeout: float) -> list[tuple[Any, ...]]: ...
    def idle_done(self) -> Any: ...
    def logout(self) -> Any: ...


# Open a logged-in session to a mailbox.
Connect = Callable[[ImapMailbox], ImapSession]
# Store (source, bytes) pairs; must not return before they are committed.
StoreRaw = Callable[[Sequence[tuple[str, bytes]]], None]


def open_session(mailbox: ImapMailbox) -> ImapSession:
    """Connect and log in, with TLS from the start or after STARTTLS unless told otherwise."""
    security = mailbox.security
    # The default context checks the certificate chain and the host name.
    context = ssl.create_default_context() if security != ImapMailbox.Security.NONE else None
    client = IMAPClient(
        mailbox.host,
        port=mailbox.port,
        ssl=security == ImapMailbox.Security.SSL,
        ssl_context=context,
        timeout=TIMEOUT_SECONDS,
    )
    try:
        if security == ImapMailbox.Security.STARTTLS:
            # Raises if the server does not offer STARTTLS: never fall back to clear text.
            client.starttls(context)
        client.login(mailbox.username, mailbox.password)
    except BaseException:
        client.shutdown()
        raise
    session: ImapSession = client
    return session


def store_raw(items: Sequence[tuple[str, bytes]]) -> None:
    # do_accept commits before it returns, and skips bytes stored before (by sha256): taking
    # a message again after a crash between store and flag adds no row.
    do_accept(items)


class ImapPoller:
    """Takes new messages from one mailbox; the connection, store and clock are given."""

    def __init__(
        self,
        mailbox: ImapMailbox,
        *,
        connect: Connect = open_session,
        store: StoreRaw = store_raw,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], object] = time.sleep,
        poll_interval: float = 60.0,
        idle_timeout: float = IDLE_RENEW_SECONDS,
        idle_check_every: float = 1.0,
    ) -> None:
        self.mailbox = mailbox
        self.connect = connect
        self.store = store
        self.clock = clock
        # Given stop_event.wait, a sleep ends early when the poller is told to stop.
        self.sleep = sleep
        self.poll_interval = poll_interval
        self.idle_timeout = idle_timeout
        self.idle_check_every = idle_check_every

    def poll_once(self) -> int:
        """Connect, take what is new, log out; returns how many messages were taken."""
        session = self.connect(self.mailbox)
        try:
            return self.poll(session)
        finally:
            _close(session)

    def run(self, should_stop: Callable[[], bool]) -> None:
        """Poll, then IDLE (or sleep) until there is news, until `should_stop()`.

        Connection errors are logged and retried with a growing delay.
        """
        delay = RETRY_FIRST_SECONDS
        while not should_stop():
            session: ImapSession | None = None
            try:
                session = self.connect(self.mailbox)
                # Asked once, before any SELECT (imapclient keeps the answer), and polling
                # again until a poll finds nothing: so the last command before IDLE is a
                # SELECT that showed nothing new. What arrives after it is reported when IDLE
                # starts (servers check then: Dovecot does), not lost in an earlier reply.
                idle = session.has_capability("IDLE")
                while not should_stop():
                    if self.poll(session):
                        continue
                    delay = RETRY_FIRST_SECONDS
                    self.wait(session, should_stop, idle=idle)
            except Exception as error:
                if isinstance(error, OSError | IMAPClientError):
                    # Routine: a server restart, a network outage, a refused login.
                    logger.warning(
                        "IMAP mailbox %s: %s; retry in %.0f s", self.mailbox, error, delay
                    )
                else:
                    logger.exception("IMAP mailbox %s: retry in %.0f s", self.mailbox, delay)
                    _drop_broken_database_connections()
                self.sleep(delay)
                delay = min(delay * 2, RETRY_MAX_SECONDS)
            finally:
                if session is not None:
                    _close(session)

    def poll(self, session: ImapSession) -> int:
        """Take the messages above last_uid in the mailbox's folder."""
        box = self.mailbox
        selected = session.select_folder(box.folder)
        if b"UIDVALIDITY" not in selected:
            raise ProtocolError(f"no UIDVALIDITY for folder {box.folder!r}")
        uidvalidity = int(selected[b"UIDVALIDITY"])
        if uidvalidity != box.uidvalidity:
            if box.uidvalidity is not None:
                logger.warning("IMAP mailbox %s: UIDVALIDITY changed, reading it all", box)
            # RFC 3501 §2.3.1.1: the old UIDs mean nothing now. Messages already stored are
            # recognised by their sha256 and not stored again.
            box.uidvalidity, box.last_uid = uidvalidity, 0
            box.save(update_fields=["uidvalidity", "last_uid"])
        uidnext = selected.get(b"UIDNEXT")
        if selected.get(b"EXISTS") == 0 or (uidnext is not None and uidnext <= box.last_uid + 1):
            return 0
        # RFC 3501 §6.4.8: "N:*" includes the highest UID even when it is below N.
        found = session.search(["UID", f"{box.last_uid + 1}:*"])
        uids = sorted(uid for uid in found if uid > box.last_uid)
        moving = box.after_fetch == ImapMailbox.AfterFetch.MOVE
        if uids and moving and not session.folder_exists(box.move_to):
            session.create_folder(box.move_to)
        taken = 0
        for batch in self._batches(session, uids):
            taken += self._take(session, batch, uidvalidity)
        return taken

    def wait(self, session: ImapSession, should_stop: Callable[[], bool], *, idle: bool) -> bool:
        """Wait for news: True if the server reported a new message before the timeout."""
        if not idle:
            self.sleep(self.poll_interval)
            return False
        session.idle()
        news = self._idle(session, should_stop)
        # Not reached after an error: the session is gone, and run() drops it.
        session.idle_done()
        return news

    def _idle(self, session: ImapSession, should_stop: Callable[[], bool]) -> bool:
        deadline = self.clock() + self.idle_timeout
        while not should_stop():
            remaining = deadline - self.clock()
            if remaining <= 0:
                return False
            timeout = min(self.idle_check_every, remaining)
            started = self.clock()
            responses = session.idle_check(timeout=timeout)
            if any(r[:1] == (b"BYE",) for r in responses):
                raise ConnectionError("the server ended the session during IDLE")
            if any(r[1:2] == (b"EXISTS",) for r in responses):
                return True
            if not responses and self.clock() - started < timeout / 2:
                # Readable, yet no response: imapclient met the end of the stream.
                raise ConnectionError("the server closed the connection during IDLE")
        return False

    def _batches(self, session: ImapSession, uids: list[int]) -> Iterator[list[int]]:
        if not uids:
            return
        sizes = session.fetch(uids, ["RFC822.SIZE"])
        batch: list[int] = []
        size = 0
        for uid in uids:
            if uid not in sizes:
                continue  # expunged meanwhile by another client
            message_size = int(sizes[uid].get(b"RFC822.SIZE", 0))
            if batch and (len(batch) >= BATCH_MESSAGES or size + message_size > BATCH_BYTES):
                yield batch
                batch, size = [], 0
            batch.append(uid)
            size += message_size
        if batch:
            yield batch

    def _take(self, session: ImapSession, batch: list[int], uidvalidity: int) -> int:
        box = self.mailbox
        # BODY.PEEK leaves \Seen alone (RFC 3501 §6.4.5): nothing looks read before it is stored.
        fetched = session.fetch(batch, ["BODY.PEEK[]"])
        items: list[tuple[str, bytes]] = []
        uids: list[int] = []
        for uid in batch:
            data = fetched.get(uid, {}).get(b"BODY[]")
            if data is not None:
                items.append((f"imap:{box.name}:{uidvalidity}:{uid}", bytes(data)))
                uids.append(uid)
        if uids:
            self.store(items)
            self._dispose(session, uids)
        box.last_uid = max(batch)
        box.save(update_fields=["last_uid"])
        return len(uids)

    def _dispose(self, session: ImapSession, uids: list[int]) -> None:
        """Mark stored messages seen, and move them if asked (they are moved read)."""
        box = self.mailbox
        session.add_flags(uids, [SEEN], silent=True)
        if box.after_fetch != ImapMailbox.AfterFetch.MOVE:
            return
        if session.has_capability("MOVE"):
            session.move(uids, box.move_to)  # RFC 6851: atomic
            return
        # Without MOVE: a crash before EXPUNGE leaves a second copy in move_to, never a loss.
        session.copy(uids, box.move_to)
        session.add_flags(uids, [DELETED], silent=True)
        if session.has_capability("UIDPLUS"):
            session.uid_expunge(uids)  # RFC 4315 §2.1: only these messages
        else:
            session.expunge()  # also removes messages another client marked \Deleted


def _drop_broken_database_connections() -> None:
    # Django replaces a connection that broke (PostgreSQL restarted, say) between requests
    # only; a thread that runs for days has to do it itself, or it would fail forever.
    for connection in connections.all(initialized_only=True):
        if connection.errors_occurred and not connection.is_usable():
            connection.close()


def _close(session: ImapSession) -> None:
    try:
        session.logout()
    except Exception:
        # The connection is usually already gone; nothing is lost by not logging out.
        logger.debug("IMAP logout failed", exc_info=True)
