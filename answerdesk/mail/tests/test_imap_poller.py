"""The IMAP poller against a real Dovecot: store first, only then mark seen or move; IDLE."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

import pytest

from answerdesk.mail.imap_poller import RETRY_FIRST_SECONDS, ImapPoller, open_session, store_raw
from answerdesk.mail.models import ImapMailbox, RawMessage
from answerdesk.mail.tests.mails import make_mail

if TYPE_CHECKING:
    # Imported by pytest_plugins below, so that pytest rewrites its asserts.
    from answerdesk.mail.tests.dovecot import Dovecot, ImapAccount

pytest_plugins = ["answerdesk.mail.tests.dovecot"]
pytestmark = pytest.mark.django_db

SEEN = b"\\Seen"
# Long enough that a wake-up inside it can only come from the server's EXISTS.
IDLE_TIMEOUT = 120.0
# Bounds every loop below, so a broken poller fails the test instead of hanging it.
DEADLINE = 20.0


def mailbox_for(account: ImapAccount, **fields: str) -> ImapMailbox:
    return ImapMailbox.objects.create(
        name=account.user,
        host=account.host,
        port=account.port,
        username=account.user,
        password=account.password,
        security=ImapMailbox.Security.NONE,
        **fields,
    )


def stored() -> list[tuple[bytes, str]]:
    return [
        (bytes(data), source)
        for data, source in RawMessage.objects.values_list("data", "source").order_by("pk")
    ]


def mail(n: int) -> bytes:
    return make_mail(message_id=f"imap{n}@example.fr", subject=f"Commande {n}")


def until(condition: Callable[[], bool]) -> Callable[[], bool]:
    """A should_stop that also ends the run after DEADLINE seconds."""
    deadline = time.monotonic() + DEADLINE
    return lambda: condition() or time.monotonic() > deadline


def test_new_messages_are_stored_byte_exact_then_marked_seen(imap_account):
    imap_account.append(mail(1))
    imap_account.append(mail(2))
    mailbox = mailbox_for(imap_account)

    taken = ImapPoller(mailbox).poll_once()

    mailbox.refresh_from_db()
    assert taken == 2
    uidvalidity = mailbox.uidvalidity
    assert stored() == [
        (mail(1), f"imap:{imap_account.user}:{uidvalidity}:1"),
        (mail(2), f"imap:{imap_account.user}:{uidvalidity}:2"),
    ]
    assert all(SEEN in flags for _, flags in imap_account.messages().values())
    assert mailbox.last_uid == 2


def test_a_second_poll_takes_only_what_arrived_since(imap_account):
    imap_account.append(mail(1))
    mailbox = mailbox_for(imap_account)
    poller = ImapPoller(mailbox)
    poller.poll_once()

    nothing = poller.poll_once()
    imap_account.append(mail(2))
    one = poller.poll_once()

    assert (nothing, one) == (0, 1)
    assert [data for data, _ in stored()] == [mail(1), mail(2)]


def test_uids_below_the_last_one_taken_are_not_taken_again(imap_account):
    # given a last message removed before the poll: UIDNEXT is past last_uid, and
    # "UID 3:*" still answers UID 2, the highest one there is (RFC 3501 §6.4.8)
    imap_account.append(mail(1))
    imap_account.append(mail(2))
    mailbox = mailbox_for(imap_account)
    poller = ImapPoller(mailbox)
    poller.poll_once()
    imap_account.append(mail(3))
    with imap_account.client() as client:
        client.select_folder("INBOX")
        client.delete_messages([3])
        client.expunge()

    taken = poller.poll_once()

    assert taken == 0
    assert len(stored()) == 2


def failing_store(items: Sequence[tuple[str, bytes]]) -> None:
    raise OSError("disk full")


def test_a_message_that_could_not_be_stored_stays_unseen_and_is_taken_next_time(imap_account):
    imap_account.append(mail(1))
    mailbox = mailbox_for(imap_account)

    with pytest.raises(OSError, match="disk full"):
        ImapPoller(mailbox, store=failing_store).poll_once()

    assert stored() == []
    assert [flags for _, flags in imap_account.messages().values()] == [()]
    mailbox.refresh_from_db()
    assert mailbox.last_uid == 0
    assert ImapPoller(mailbox).poll_once() == 1
    assert [data for data, _ in stored()] == [mail(1)]
    assert all(SEEN in flags for _, flags in imap_account.messages().values())


class Crash(BaseException):
    """The process dying: nothing after it runs, no handler catches it."""


def store_then_crash(items: Sequence[tuple[str, bytes]]) -> None:
    store_raw(items)
    raise Crash  # after the commit, before the flag


def test_a_crash_between_store_and_flag_loses_nothing_and_stores_nothing_twice(imap_account):
    imap_account.append(mail(1))
    mailbox = mailbox_for(imap_account)
    with pytest.raises(Crash):
        ImapPoller(mailbox, store=store_then_crash).poll_once()
    assert [flags for _, flags in imap_account.messages().values()] == [()]

    taken = ImapPoller(mailbox).poll_once()

    assert taken == 1
    assert [data for data, _ in stored()] == [mail(1)]
    assert all(SEEN in flags for _, flags in imap_account.messages().values())


@pytest.mark.parametrize("account", ["imap_account", "basic_imap_account"])
def test_move_mode_moves_stored_messages_to_the_other_folder(account, request):
    # basic_imap_account is offered no MOVE: COPY, \Deleted and EXPUNGE instead.
    account = request.getfixturevalue(account)
    account.append(mail(1))
    account.append(mail(2))
    mailbox = mailbox_for(account, after_fetch="move", move_to="Done")

    taken = ImapPoller(mailbox).poll_once()

    assert taken == 2
    assert account.messages("INBOX") == {}
    moved = account.messages("Done").values()
    assert [data for data, _ in moved] == [mail(1), mail(2)]
    assert all(SEEN in flags for _, flags in moved)
    assert [data for data, _ in stored()] == [mail(1), mail(2)]


def test_a_new_uidvalidity_resets_the_bookkeeping_without_duplicates(imap_account):
    imap_account.append(mail(1), folder="Support")
    imap_account.append(mail(2), folder="Support")
    mailbox = mailbox_for(imap_account, folder="Support")
    poller = ImapPoller(mailbox)
    poller.poll_once()
    first_uidvalidity = mailbox.uidvalidity
    # given the folder made again: same name, new UIDVALIDITY, UIDs from 1 again
    with imap_account.client() as client:
        client.delete_folder("Support")
    imap_account.append(mail(1), folder="Support")
    imap_account.append(mail(3), folder="Support")

    taken = poller.poll_once()

    mailbox.refresh_from_db()
    assert mailbox.uidvalidity != first_uidvalidity
    assert mailbox.last_uid == 2
    assert taken == 2  # mail(1) again, recognised by its sha256
    assert [data for data, _ in stored()] == [mail(1), mail(2), mail(3)]


class RecordingSleep:
    """Records the sleeps asked for; runs `then` on the first (something happening meanwhile)."""

    def __init__(self, then: Callable[[], None] = lambda: None) -> None:
        self.calls: list[float] = []
        self.then = then

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)
        if len(self.calls) == 1:
            self.then()


@pytest.fixture
def later() -> Iterator[Callable[[float, Callable[[], None]], None]]:
    """Run something from another thread after a delay (another IMAP client, say)."""
    timers: list[threading.Timer] = []

    def schedule(delay: float, action: Callable[[], None]) -> None:
        timers.append(threading.Timer(delay, action))
        timers[-1].start()

    yield schedule
    for timer in timers:
        timer.cancel()
        timer.join()


def test_idle_wakes_the_poller_when_a_message_arrives(imap_account, later):
    imap_account.append(mail(1))
    mailbox = mailbox_for(imap_account)
    sleep = RecordingSleep()
    poller = ImapPoller(mailbox, sleep=sleep, idle_timeout=IDLE_TIMEOUT)
    # when a message arrives while the poller IDLEs
    later(1.0, lambda: imap_account.append(mail(2)))
    started = time.monotonic()

    poller.run(should_stop=until(lambda: RawMessage.objects.count() == 2))

    assert time.monotonic() - started < DEADLINE
    assert [data for data, _ in stored()] == [mail(1), mail(2)]
    assert sleep.calls == []  # woken by EXISTS, neither a timeout nor a retry


def test_without_idle_the_poller_polls_every_interval(basic_imap_account):
    mailbox = mailbox_for(basic_imap_account)
    basic_imap_account.append(mail(1))
    sleep = RecordingSleep(then=lambda: basic_imap_account.append(mail(2)))
    poller = ImapPoller(mailbox, sleep=sleep, poll_interval=30.0)

    poller.run(should_stop=until(lambda: RawMessage.objects.count() == 2))

    assert [data for data, _ in stored()] == [mail(1), mail(2)]
    assert sleep.calls == [30.0]


def test_idle_is_renewed_within_29_minutes(imap_account):
    # given a clock that runs a minute each time it is read
    minutes = iter(range(10_000))
    mailbox = mailbox_for(imap_account)
    poller = ImapPoller(mailbox, clock=lambda: 60.0 * next(minutes), idle_check_every=0.01)
    session = open_session(mailbox)
    try:
        poller.poll(session)

        news = poller.wait(session, should_stop=lambda: False, idle=True)

        waited = next(minutes) - 1
        assert news is False
        assert 29 <= waited <= 29 + 3
        assert poller.poll(session) == 0  # IDLE ended properly: the session still works
    finally:
        session.logout()


def test_a_dropped_connection_is_opened_again(imap_account, dovecot: Dovecot, later):
    imap_account.append(mail(1))
    mailbox = mailbox_for(imap_account)
    sleep = RecordingSleep()
    poller = ImapPoller(mailbox, sleep=sleep, idle_timeout=IDLE_TIMEOUT)

    def kick_then_deliver() -> None:
        dovecot.kick(imap_account)
        imap_account.append(mail(2))

    later(1.0, kick_then_deliver)

    poller.run(should_stop=until(lambda: RawMessage.objects.count() == 2))

    assert [data for data, _ in stored()] == [mail(1), mail(2)]
    assert sleep.calls == [RETRY_FIRST_SECONDS]
