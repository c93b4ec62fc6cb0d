"""A real Dovecot IMAP server for tests: one per session, on a free loopback port.

Everything lives in a pytest tmp dir (config, base_dir, maildirs, log); the system config and
any system Dovecot are left alone. Each test gets its own IMAP account, so tests share the
server but no mail.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from imapclient import IMAPClient

PASSWORD = "secret"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def find_dovecot() -> str:
    found = shutil.which("dovecot") or shutil.which("dovecot", path="/usr/sbin:/sbin")
    if found is None:
        pytest.fail("Dovecot is needed for the IMAP tests: apt-get install dovecot-imapd")
    return found


def write_config(directory: Path, port: int) -> Path:
    """A Dovecot 2.3 config for a plain-text loopback server, run as root or not."""
    mail = directory / "mail"
    mail.mkdir(parents=True)
    if os.geteuid() == 0:
        # Mail processes refuse to run as root ("Mail access not allowed for root"), and the
        # pytest tmp dir is 0700 root: they run as nobody, chrooted to their maildirs (the
        # chroot is entered as root, so the parents need not be traversable).
        nobody = pwd.getpwnam("nobody")
        os.chown(mail, nobody.pw_uid, nobody.pw_gid)
        privileges = f"""
default_internal_user = root
default_internal_group = root
# imap-login refuses to run as root.
default_login_user = dovenull
mail_chroot = {mail}
"""
    else:
        # Rootless: every process runs as the current user, and nothing can chroot.
        user = pwd.getpwuid(os.getuid()).pw_name
        privileges = f"""
default_internal_user = {user}
default_login_user = {user}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
"""
    config = directory / "dovecot.conf"
    config.write_text(
        f"""
base_dir = {directory / "run"}
state_dir = {directory / "state"}
log_path = {directory / "dovecot.log"}
protocols = imap
listen = 127.0.0.1
ssl = no
# Dovecot 2.3; 2.4 calls it auth_allow_cleartext.
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
# A message delivered in the very instant IDLE starts can escape Dovecot's change
# notification; its periodic check then reports it (30 s by default): 1 s keeps tests quick.
mailbox_idle_check_interval = 1 secs
first_valid_uid = 1
first_valid_gid = 1
{privileges}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {directory / "passwd"}
}}
userdb {{
  driver = passwd-file
  args = {directory / "passwd"}
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""
    )
    write_accounts(directory)
    return config


@dataclass
class ImapAccount:
    host: str
    port: int
    user: str
    password: str

    def client(self) -> IMAPClient:
        client = IMAPClient(self.host, port=self.port, ssl=False, timeout=10)
        client.login(self.user, self.password)
        return client

    def append(self, data: bytes, folder: str = "INBOX") -> None:
        """Deliver a message the way a mail client files one: IMAP APPEND."""
        with self.client() as client:
            if not client.folder_exists(folder):
                client.create_folder(folder)
            client.append(folder, data)

    def messages(self, folder: str = "INBOX") -> dict[int, tuple[bytes, tuple[bytes, ...]]]:
        """UID -> (bytes, flags), read without changing any flag."""
        with self.client() as client:
            if not client.folder_exists(folder):
                return {}
            client.select_folder(folder, readonly=True)
            fetched = client.fetch(client.search(["ALL"]), ["BODY.PEEK[]", "FLAGS"])
            return {uid: (item[b"BODY[]"], item[b"FLAGS"]) for uid, item in fetched.items()}


# Dovecot reads the passwd file at most once a second, so accounts added during the run
# could be refused for a while: every test account is written before the server starts.
ACCOUNTS = {"user": 100, "basic": 30}
# passwd-file extra fields are separated by spaces: one capability at most. IMAP4rev1 alone
# means no IDLE, MOVE or UIDPLUS.
CAPABILITIES = {"user": "", "basic": "userdb_imap_capability=IMAP4rev1"}


def write_accounts(directory: Path) -> None:
    lines = []
    for kind, count in ACCOUNTS.items():
        for n in range(1, count + 1):
            user = f"{kind}{n}"
            if os.geteuid() == 0:
                nobody = pwd.getpwnam("nobody")
                uid, gid, home = nobody.pw_uid, nobody.pw_gid, f"/{user}"  # in mail_chroot
            else:
                uid, gid, home = os.getuid(), os.getgid(), str(directory / "mail" / user)
            lines.append(f"{user}:{{PLAIN}}{PASSWORD}:{uid}:{gid}::{home}::{CAPABILITIES[kind]}\n")
            (directory / "mail" / user).mkdir()
            os.chown(directory / "mail" / user, uid, gid)
    (directory / "passwd").write_text("".join(lines))


@dataclass
class Dovecot:
    host: str
    port: int
    directory: Path
    config: Path

    def __post_init__(self) -> None:
        self._used = {kind: itertools.count(1) for kind in ACCOUNTS}

    def add_account(self, kind: str = "user") -> ImapAccount:
        """An account of its own, with an empty maildir."""
        n = next(self._used[kind])
        assert n <= ACCOUNTS[kind], f"more {kind} accounts needed in ACCOUNTS"
        account = ImapAccount(self.host, self.port, f"{kind}{n}", PASSWORD)
        # Dovecot makes the maildir at the first login; two sessions doing that at once (the
        # poller's and a test's APPEND) can leave one of them never told of new mail.
        with account.client() as client:
            client.select_folder("INBOX")
        return account

    def kick(self, account: ImapAccount) -> None:
        """Disconnect the account's sessions, as a server restart would."""
        doveadm = shutil.which("doveadm") or shutil.which("doveadm", path="/usr/bin:/usr/sbin")
        assert doveadm is not None
        subprocess.run([doveadm, "-c", str(self.config), "kick", account.user], check=True)

    def log(self) -> str:
        path = self.directory / "dovecot.log"
        return path.read_text() if path.exists() else ""


def _wait_for_port(port: int, process: subprocess.Popen[bytes], directory: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            logs = [directory / "stderr", directory / "dovecot.log"]
            pytest.fail("Dovecot exited:\n" + "".join(p.read_text() for p in logs if p.exists()))
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    pytest.fail(f"Dovecot did not listen on port {port}")


@pytest.fixture(scope="session")
def dovecot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dovecot]:
    directory = tmp_path_factory.mktemp("dovecot")
    port = free_port()
    config = write_config(directory, port)
    # Errors in the config go to stderr, before the log file is opened.
    with (directory / "stderr").open("wb") as stderr:
        process = subprocess.Popen(
            [find_dovecot(), "-F", "-c", str(config)], stdout=stderr, stderr=stderr
        )
    try:
        _wait_for_port(port, process, directory)
        yield Dovecot("127.0.0.1", port, directory, config)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def imap_account(dovecot: Dovecot) -> ImapAccount:
    return dovecot.add_account()


@pytest.fixture
def basic_imap_account(dovecot: Dovecot) -> ImapAccount:
    """An account offered neither IDLE, MOVE nor UIDPLUS: the poller's fallbacks."""
    return dovecot.add_account("basic")
