"""Where imported mail comes from: one file, a directory of files, a maildir or an mbox."""

from __future__ import annotations

import mailbox
import os
from collections.abc import Iterator
from pathlib import Path

# The prefix of RawMessage.source for imported mail (never acknowledged: it is old mail).
IMPORT_SOURCE = "import:"

# What a source yields: a label for RawMessage.source and the bytes, or why it can't be read.
SourceItem = tuple[str, bytes | OSError]


def _is_maildir(path: Path) -> bool:
    return (path / "cur").is_dir() and (path / "new").is_dir()


def _mbox(path: Path) -> Iterator[SourceItem]:
    box = mailbox.mbox(path, factory=None, create=False)
    try:
        for index, key in enumerate(box.iterkeys()):
            yield f"{IMPORT_SOURCE}{path}#{index}", box.get_bytes(key)
    finally:
        box.close()


def _maildir(path: Path) -> Iterator[SourceItem]:
    box = mailbox.Maildir(path, factory=None, create=False)
    for key in sorted(box.iterkeys()):
        try:
            yield f"{IMPORT_SOURCE}{path}:{key}", box.get_bytes(key)
        except OSError as exc:
            yield f"{IMPORT_SOURCE}{path}:{key}", exc


def _file(path: Path) -> Iterator[SourceItem]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield f"{IMPORT_SOURCE}{path}", exc
        return
    # mbox files start with an envelope line "From sender date" (RFC 4155); a lone .eml
    # never does, since "From " with a space is not a header.
    if data.startswith(b"From "):
        yield from _mbox(path)
    else:
        yield f"{IMPORT_SOURCE}{path}", data


# Labels and notes that travel with a corpus are not mail.
_NOT_MAIL = (".json", ".jsonl", ".md")


def files_under(path: Path) -> list[Path]:
    """Every regular file below a directory, in a stable order, hidden files excepted.

    A dangling symbolic link is listed too: reading it fails, and the failure is reported
    rather than the file silently skipped.
    """
    found: list[str] = []
    for directory, subdirs, names in os.walk(path):
        subdirs[:] = [d for d in subdirs if not d.startswith(".")]
        for name in names:
            file = os.path.join(directory, name)
            if not name.startswith(".") and (os.path.isfile(file) or not os.path.exists(file)):
                found.append(file)
    return [Path(file) for file in sorted(found)]


def mail_files_under(path: Path) -> list[Path]:
    return [p for p in files_under(path) if not p.name.endswith(_NOT_MAIL)]


def iter_source(path: Path) -> Iterator[SourceItem]:
    if not path.exists():
        yield str(path), FileNotFoundError(f"no such file or directory: {path}")
    elif path.is_dir() and _is_maildir(path):
        yield from _maildir(path)
    elif path.is_dir():
        for file in mail_files_under(path):
            yield from _file(file)
    else:
        yield from _file(path)


def count_source(path: Path) -> int | None:
    """How many items iter_source will yield, when cheap to know (for a progress bar)."""
    if path.is_dir() and not _is_maildir(path):
        return len(mail_files_under(path))
    return None
