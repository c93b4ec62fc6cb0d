"""Content-addressed storage on disk: raw messages and attachments, one file per sha256."""

from __future__ import annotations

import ctypes
import hashlib
import os
import tempfile
from pathlib import Path

from django.conf import settings

_libc = ctypes.CDLL(None, use_errno=True)


class BlobStore:
    """Files named by the sha256 of their bytes, under root/ab/cd/<sha256>.

    Writes are atomic (temporary file, then rename), so a reader never sees a partial blob,
    and idempotent: the same bytes stored twice are one file.
    """

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes, *, sync: bool = True, sha256: str | None = None) -> str:
        """Store `data` and return its sha256.

        With sync=False the caller promises to call sync() before relying on the blob being
        on disk (a batch import syncs once per batch: one syncfs is cheaper than an fsync
        per file, 0.15 ms against 0.3 ms a message on this machine).
        """
        digest = sha256 or hashlib.sha256(data).hexdigest()
        target = self.path(digest)
        if target.exists() and target.stat().st_size == len(data):
            return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                if sync:
                    handle.flush()
                    os.fsync(handle.fileno())
            os.replace(tmp_name, target)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
        if sync:
            # The rename is durable only once the directory entry is on disk too.
            self._fsync_dir(target.parent)
        return digest

    def get(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def exists(self, sha256: str, size: int | None = None) -> bool:
        target = self.path(sha256)
        try:
            return size is None or target.stat().st_size == size
        except FileNotFoundError:
            return False

    def sync(self) -> None:
        """Flush every pending write of this file system to disk (syncfs(2))."""
        self.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.root, os.O_RDONLY)
        try:
            if _libc.syncfs(fd) != 0:
                errno = ctypes.get_errno()
                raise OSError(errno, os.strerror(errno), str(self.root))
        finally:
            os.close(fd)

    @staticmethod
    def _fsync_dir(directory: Path) -> None:
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def default_store() -> BlobStore:
    return BlobStore(Path(settings.ANSWERDESK_BLOB_DIR))
