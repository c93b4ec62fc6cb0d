"""Staff photos: decoded and drawn again, so only pixels reach the public page.

Re-encoding drops whatever the upload carried besides the picture (GPS position in EXIF,
a script hidden in a polyglot file) and bounds the size served.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, UnidentifiedImageError

SIDE = 400  # pixels, the longer side of the stored photo
MAX_UPLOAD_BYTES = 5 * 2**20
MAX_PIXELS = 40_000_000  # a decompression bomb declares far more


class PhotoRefused(ValueError):
    """Not a photo this page can show; the message says why."""


def reencode(data: bytes) -> bytes:
    """A JPEG of at most SIDE×SIDE pixels drawn from the upload, or PhotoRefused."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise PhotoRefused("larger than 5 MB")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format not in ("JPEG", "PNG", "WEBP", "GIF"):
                    raise PhotoRefused("not a JPEG, PNG, WebP or GIF image")
                if image.width * image.height > MAX_PIXELS:
                    raise PhotoRefused("too many pixels")
                image.load()
                picture = image.convert("RGB")
    except PhotoRefused:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombWarning) as exc:
        raise PhotoRefused("not an image that can be read") from exc
    except Image.DecompressionBombError as exc:
        raise PhotoRefused("too many pixels") from exc
    picture.thumbnail((SIDE, SIDE))
    out = io.BytesIO()
    picture.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue()
