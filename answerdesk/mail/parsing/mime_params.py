"""Content-Type and Content-Disposition values: main value and parameters (RFC 2045, RFC 2231)."""

from __future__ import annotations

import re
from urllib.parse import unquote_to_bytes

from answerdesk.mail.parsing.charsets import decode_declared

# One "; name=value" pair. A quoted value may lack its closing quote (then it runs to the end);
# an unquoted one may hold spaces, which RFC 2045 forbids but Outlook and phones send.
_PARAM = re.compile(r';\s*([^\s=;"]+)\s*(?:=\s*("(?:[^"\\]|\\.)*(?:"|$)|[^;]*))?')
_QUOTED_PAIR = re.compile(r"\\(.)")
# RFC 2231 §3 and §4: name*0, name*1*, or name* (a single encoded section).
_SECTION = re.compile(r"(.*?)\*(\d{1,3})?(\*)?")


def _unquote(value: str) -> str:
    value = value.strip()
    if value.startswith('"'):
        value = value[1:-1] if len(value) > 1 and value.endswith('"') else value[1:]
        return _QUOTED_PAIR.sub(r"\1", value) if "\\" in value else value
    return value


def parse_header_params(value: str) -> tuple[str, dict[str, str], list[str]]:
    """The lower-cased main value, the parameters by lower-cased name, and repair notes."""
    main, separator, rest = value.partition(";")
    main_value = main.strip().lower()
    if not separator:
        return main_value, {}, []
    params: dict[str, str] = {}
    sections: dict[str, dict[int, tuple[str, bool]]] = {}
    for match in _PARAM.finditer(";" + rest):
        name = match.group(1).lower()
        raw = match.group(2) or ""
        if "*" in name:
            section = _SECTION.fullmatch(name)
            if section is not None:
                base, index, star = section.groups()
                encoded = star is not None or index is None
                sections.setdefault(base, {})[int(index or 0)] = (_unquote(raw), encoded)
                continue
        params.setdefault(name, _unquote(raw))
    notes: list[str] = []
    for base, parts in sections.items():
        text, problem = _join_sections(parts)
        if problem:
            notes.append(f"parameter {base}: {problem}")
        params[base] = text
    return main_value, params, notes


def _join_sections(parts: dict[int, tuple[str, bool]]) -> tuple[str, str]:
    """RFC 2231 §4.1: charset'language' only on the first section; %XX only where marked '*'."""
    charset = ""
    chunks: list[bytes] = []
    for position, index in enumerate(sorted(parts)):
        value, encoded = parts[index]
        if encoded:
            if position == 0 and value.count("'") >= 2:
                charset, _language, value = value.split("'", 2)
            chunks.append(unquote_to_bytes(value))
        else:
            chunks.append(value.encode("utf-8"))
    data = b"".join(chunks)
    if not charset and data.isascii():
        return data.decode("ascii"), ""
    return decode_declared(data, charset)
