"""Bytes to text with the declared charset, repairing the usual lies about that charset."""

from __future__ import annotations

import codecs
import re
from functools import lru_cache


def _windows_1252_table() -> str:
    # The five bytes windows-1252 leaves undefined (0x81 0x8D 0x8F 0x90 0x9D) map to the C1
    # control of the same value, as in the WHATWG Encoding Standard, so decoding never fails.
    chars = []
    for byte in range(256):
        try:
            chars.append(bytes([byte]).decode("cp1252"))
        except UnicodeDecodeError:
            chars.append(chr(byte))
    return "".join(chars)


_WINDOWS_1252 = _windows_1252_table()


def decode_windows_1252(data: bytes) -> str:
    # A 256-character str table is what the stdlib's own encodings/cp1252.py passes here;
    # typeshed only lists the dict form.
    return codecs.charmap_decode(data, "strict", _WINDOWS_1252)[0]  # type: ignore[arg-type]


def _utf8_else_windows_1252(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return decode_windows_1252(error.object[error.start : error.end]), error.end


_UTF8_ELSE_1252 = "answerdesk-utf8-else-windows-1252"
codecs.register_error(_UTF8_ELSE_1252, _utf8_else_windows_1252)


def decode_utf8_lenient(data: bytes) -> str:
    """UTF-8 where the bytes are valid UTF-8, windows-1252 for the bytes that are not.

    A reply typed in UTF-8 that quotes a windows-1252 message, or a part declared utf-8 by a
    client that really wrote cp1252, both come out right; a handler per bad byte is slow, so
    this is only for parts already known to be broken.
    """
    return data.decode("utf-8", _UTF8_ELSE_1252)


def guess_text(data: bytes) -> str:
    """Text of unlabelled 8-bit bytes: UTF-8 if they are valid UTF-8, else windows-1252.

    Valid multi-byte UTF-8 is very unlikely to arise by chance from windows-1252 French text
    (it needs an accented capital followed by a C1-range symbol), so trying UTF-8 first is safe.
    """
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return decode_utf8_lenient(data)


# Labels seen in real mail that Python does not know, or knows as a narrower charset than the
# one senders actually use (WHATWG Encoding Standard, "Encodings" table, label aliases).
_LABEL_ALIASES = {
    "xmacroman": "mac-roman",
    "macroman": "mac-roman",
    "win1252": "cp1252",
    "windows1252": "cp1252",
    "cp1252": "cp1252",
    "88591": "iso8859-1",
    "iso88591": "iso8859-1",
    "iso885915": "iso8859-15",
    "uft8": "utf-8",
    "utf8": "utf-8",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "ksc56011987": "cp949",
    "iso88598i": "iso8859-8",
    "shiftjis": "cp932",
    "xsjis": "cp932",
}
# Codecs Python accepts that no mail charset label should select.
_NOT_MAIL_CHARSETS = frozenset({"undefined", "idna", "punycode", "unicode-escape", "mbcs", "oem"})
# WHATWG: "us-ascii", "iso-8859-1" and "windows-1252" all decode as windows-1252, because
# senders put ’ € œ (0x80-0x9F) in mail they label Latin-1.
_WINDOWS_1252_FAMILY = frozenset({"ascii", "iso8859-1", "cp1252"})
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def codec_for(label: str) -> str | None:
    """Python's codec name for a MIME charset label, or None when it is unknown or unusable."""
    name = label.strip().strip("\"'").lower()
    # Registered charset names are at most 40 characters (RFC 2978 §2.3); the length check
    # also keeps hostile labels out of the cache.
    return _lookup(name) if 0 < len(name) <= 64 else None


@lru_cache(maxsize=512)
def _lookup(name: str) -> str | None:
    name = _LABEL_ALIASES.get(re.sub(r"[-_\s.]", "", name), name)
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError, TypeError):
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_MAIL_CHARSETS:
        return None
    return info.name


@lru_cache(maxsize=128)
def _ascii_compatible(codec: str) -> bool:
    """Whether ASCII bytes mean ASCII text in this codec (not so for UTF-16, UTF-7, EBCDIC)."""
    sample = bytes(range(32, 127))
    try:
        return sample.decode(codec) == sample.decode("ascii")
    except (UnicodeError, ValueError, LookupError):
        return False


def decode_declared(data: bytes, label: str) -> tuple[str, str]:
    """Decode with the declared charset; return the text and what was repaired ("" if nothing).

    Never raises: an unknown label or bytes that do not match it fall back to UTF-8, then
    windows-1252, which is what 8-bit French mail without a usable label nearly always is.
    """
    codec = codec_for(label) if label else None
    if (codec is None or _ascii_compatible(codec)) and data.isascii():
        return data.decode("ascii"), ""
    if codec is None:
        if label:
            return guess_text(data), f"unknown charset {label.strip()[:40]!r}"
        # RFC 2045 §5.2: no charset means us-ascii, which 8-bit bytes cannot be.
        return guess_text(data), "8-bit text without a charset"
    if codec == "utf-8":
        try:
            return data.decode("utf-8"), ""
        except UnicodeDecodeError:
            return decode_utf8_lenient(data), "declared utf-8 but not valid UTF-8 (windows-1252)"
    if codec in _WINDOWS_1252_FAMILY:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            repair = "declared us-ascii but has 8-bit bytes" if codec == "ascii" else ""
            return decode_windows_1252(data), repair
        return text, f"declared {label.strip()[:40]} but the bytes are UTF-8"
    return _decode_other(data, codec, label)


def _decode_other(data: bytes, codec: str, label: str) -> tuple[str, str]:
    try:
        text = data.decode(codec)
    except (UnicodeError, ValueError, TypeError, LookupError):
        try:
            return data.decode("utf-8"), f"declared {label.strip()[:40]} but the bytes are UTF-8"
        except UnicodeDecodeError:
            try:
                text = data.decode(codec, "replace")
            except (UnicodeError, ValueError, TypeError, LookupError):
                return guess_text(data), f"cannot decode as {label.strip()[:40]}"
            return _LONE_SURROGATE.sub("\ufffd", text), f"bytes invalid in {label.strip()[:40]}"
    # UTF-7 can decode to lone surrogates, which no database or JSON encoder accepts.
    return _LONE_SURROGATE.sub("\ufffd", text), ""
