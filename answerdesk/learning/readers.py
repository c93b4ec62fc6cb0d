"""The reader the pipeline uses: the last retrained one if there is one, else the bundled.

No database here: parser processes forked from an import use it and must not touch the
connections they inherit. The retrained model is one file, replaced atomically; a
long-running worker notices the new file by its modification time and loads it.
"""

from __future__ import annotations

import pickle
import threading
from pathlib import Path

from django.conf import settings

from answerdesk.nlp.model_cache import write_pickle
from answerdesk.nlp.understanding import Reader, bundled_reader

_lock = threading.Lock()
_loaded: tuple[Path, int, Reader] | None = None


def active_path() -> Path:
    return Path(settings.ANSWERDESK_MODEL_DIR) / "reader.pickle"


def current_reader() -> Reader:
    global _loaded
    path = active_path()
    try:
        stamp = path.stat().st_mtime_ns
    except FileNotFoundError:
        return bundled_reader()
    with _lock:
        if _loaded is None or _loaded[:2] != (path, stamp):
            with path.open("rb") as stored:
                # Written only by save_reader, in a directory of ours (like the model cache).
                _loaded = (path, stamp, pickle.load(stored))
        return _loaded[2]


def save_reader(reader: Reader) -> Path:
    path = active_path()
    write_pickle(path, reader)
    return path
