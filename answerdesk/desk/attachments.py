"""How an attachment is handed to the agent's browser.

Only types a browser shows without running anything are displayed inline (images other
than SVG, PDF, plain text); everything else, whatever the sender claimed, is a download of
type application/octet-stream. Django's FileResponse writes the filename in the header
with RFC 6266 / 5987 quoting; the name is also stripped of paths and control characters.
"""

from __future__ import annotations

import re
import unicodedata

_INLINE = frozenset(
    {"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"}
)
_UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|]+')


def download_headers(content_type: str, filename: str) -> tuple[str, bool]:
    """(Content-Type to send, whether to force a download)."""
    declared = content_type.split(";")[0].strip().lower()
    if declared in _INLINE:
        # text/plain with a charset the browser will not guess wrong.
        return (f"{declared}; charset=utf-8" if declared == "text/plain" else declared), False
    return "application/octet-stream", True


def safe_filename(filename: str, fallback: str) -> str:
    """The name as the agent's disk will see it: no directories, controls or reserved marks."""
    name = unicodedata.normalize("NFC", filename).rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    # Format characters (category Cf) include the right-to-left override that shows
    # "photo\u202egnp.exe" as "photoexe.png".
    name = "".join("_" if unicodedata.category(c) == "Cf" else c for c in name)
    name = _UNSAFE.sub("_", name).strip(" ._")
    return name[:150] or fallback
