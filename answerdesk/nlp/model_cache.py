"""Keep trained models on disk so that a process starts in milliseconds, not seconds.

The bundled models are trained from the repository's data; each process that reads mail
(a worker, the SMTP listener, a test) would otherwise train them again. A model is stored
under a key made of everything that shapes it (the training files, the code that trains
it, the scikit-learn version), so a change to any of them trains afresh. The cache lives in
$ANSWERDESK_MODEL_CACHE, else $XDG_CACHE_HOME/answerdesk, else ~/.cache/answerdesk; it holds
pickles, so it must be a directory only this user writes to.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

import sklearn

T = TypeVar("T")


def cache_dir() -> Path:
    explicit = os.environ.get("ANSWERDESK_MODEL_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "answerdesk"


def fingerprint(paths: Iterable[Path]) -> str:
    digest = hashlib.sha256(sklearn.__version__.encode())
    for path in sorted(paths):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


def write_pickle(path: Path, value: object) -> None:
    """Written aside, flushed to disk, then renamed: a reader never sees half a file, even
    if two processes write the same model at once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as file:
        pickle.dump(value, file, protocol=pickle.HIGHEST_PROTOCOL)
        file.flush()
        os.fsync(file.fileno())
    os.replace(file.name, path)


def cached(name: str, inputs: Iterable[Path], build: Callable[[], T]) -> T:
    """The object `build` makes from `inputs`, from disk when it was built before."""
    path = cache_dir() / f"{name}-{fingerprint(inputs)}.pickle"
    try:
        with path.open("rb") as stored:
            loaded: T = pickle.load(stored)  # our own cache: see the docstring
            return loaded
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        pass
    built = build()
    try:
        write_pickle(path, built)
        for stale in path.parent.glob(f"{name}-*.pickle"):
            if stale != path:
                stale.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only home: the model still works, it is just trained each time
    return built
