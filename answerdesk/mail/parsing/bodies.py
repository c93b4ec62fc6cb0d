"""Which MIME parts are the message's text and HTML, and their decoded content."""

from __future__ import annotations

from dataclasses import dataclass, field

from answerdesk.mail.parsing.charsets import decode_declared
from answerdesk.mail.parsing.findings import Findings
from answerdesk.mail.parsing.flowed import unflow
from answerdesk.mail.parsing.html_text import html_texts
from answerdesk.mail.parsing.mime_tree import MimePart
from answerdesk.mail.parsing.parsed import Flag
from answerdesk.mail.quote_stripping import strip_quotes

_BODY_TYPES = frozenset({"text/plain", "text/html"})


@dataclass(slots=True)
class Leaves:
    texts: list[MimePart] = field(default_factory=list)
    htmls: list[MimePart] = field(default_factory=list)
    files: list[tuple[MimePart, str]] = field(default_factory=list)  # (part, container)


@dataclass(frozen=True, slots=True)
class Bodies:
    text: str
    html: str
    new_text: str


def is_body(part: MimePart) -> bool:
    """A text part meant to be read in the message rather than saved as a file."""
    return (
        part.content_type in _BODY_TYPES
        and part.disposition != "attachment"
        and "filename" not in part.disposition_params
        and "name" not in part.params
    )


def sort_leaves(part: MimePart, leaves: Leaves, container: str = "") -> Leaves:
    """Collect the body parts of the message and every other part as a file.

    Every text/plain body part is kept, not just the first: Apple Mail splits the text around
    an inline image into several parts, and list servers append their footer as another one.
    """
    if part.content_type.startswith("multipart/"):
        for child in part.children:
            sort_leaves(child, leaves, container)
    elif part.message is not None:
        leaves.files.append((part, container))
        sort_leaves(part.message, leaves, "message/rfc822")
    elif not is_body(part):
        leaves.files.append((part, container))
    elif container:
        pass  # an attached message's own text stays inside its .eml file
    elif part.content_type == "text/plain":
        leaves.texts.append(part)
    else:
        leaves.htmls.append(part)
    return leaves


def part_text(part: MimePart, findings: Findings) -> str:
    text, problem = decode_declared(part.decoded(findings), part.params.get("charset", ""))
    if problem:
        findings.note(Flag.CHARSET_REPAIRED, f"{part.content_type} part: {problem}")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if part.params.get("format", "").lower() == "flowed":
        text = unflow(text, part.params.get("delsp", "").lower() == "yes")
    return text


def read_bodies(leaves: Leaves, findings: Findings) -> Bodies:
    text = "\n".join(part_text(part, findings) for part in leaves.texts)
    html = "\n".join(part_text(part, findings) for part in leaves.htmls)
    if text.strip() or not html.strip():
        return Bodies(text, html, strip_quotes(text))
    # Only HTML-only mail pays for rendering HTML (about 0.3 ms a message with inscriptis).
    rendered = html_texts(html)
    findings.note(Flag.HTML_ONLY, "")
    if rendered.rough:
        findings.note(None, "HTML too large to render; its tags were stripped, quotes kept")
    return Bodies(rendered.text, html, strip_quotes(rendered.unquoted))
