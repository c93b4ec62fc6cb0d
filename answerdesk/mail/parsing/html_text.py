"""Plain text from an HTML body, with or without the quoted history that mail clients add."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape

from inscriptis import get_text
from inscriptis.css_profiles import CSS_PROFILES
from inscriptis.model.config import ParserConfig
from selectolax.lexbor import LexborHTMLParser, LexborNode

_NOT_CONTENT = ["head", "script", "style", "title", "noscript", "template", "object", "iframe"]
# Blocks that hold only quoted history, by the client that writes them: Gmail (gmail_quote),
# Apple Mail and Thunderbird (blockquote type=cite; moz-cite-prefix is Thunderbird's
# attribution line), Yahoo and Proton Mail.
_QUOTE_BLOCKS = (
    ".gmail_quote, blockquote[type=cite], .moz-cite-prefix, .yahoo_quoted, "
    ".protonmail_quote, blockquote.gmail_quote"
)
# Outlook does not wrap the history: a header block ("De : … Envoyé : …") starts it and
# everything after it, to the end of the document, is the quoted message.
_OUTLOOK_MARKERS = "#appendonsend, #divRplyFwdMsg, hr#stopSpelling"
_OUTLOOK_SEPARATOR = "div[style*=border-top]"
_HEADER_BLOCK_START = re.compile(r"\s*(?:From|De|Von|Da|Van|Fra|Od)\s*:", re.IGNORECASE)
# The "relaxed" default profile indents every block by two spaces; "strict" keeps the text
# flush left as the reader saw it.
_CONFIG = ParserConfig(css=CSS_PROFILES["strict"])
# lxml refuses control characters other than tab, LF and CR.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BLANK_RUN = re.compile(r"\n{3,}")
# lexbor's tree building is quadratic on some hostile shapes (20,000 nested <div> or
# <option> take about a second); past this many tags the text is read with regexes instead.
MAX_TAGS = 10_000
_MAX_QUOTE_BLOCKS = 50
_TAG = re.compile(r"<[^<>]*>?")
_HIDDEN_BLOCKS = ("head", "script", "style")


@dataclass(frozen=True, slots=True)
class HtmlText:
    text: str  # the whole visible text
    unquoted: str  # the visible text without quoted-history blocks
    rough: bool = False  # too many tags to render: tags were stripped, quotes kept


def html_texts(html: str) -> HtmlText:
    """Render the HTML as text twice: whole, and with the quoted-history blocks removed."""
    if html.count("<") > MAX_TAGS:
        text = _stripped_text(html)
        return HtmlText(text, text, rough=True)
    tree = LexborHTMLParser(_CONTROL.sub("", html))
    tree.strip_tags(_NOT_CONTENT)
    text = _render(tree)
    if not _remove_quotes(tree):
        return HtmlText(text, text)
    return HtmlText(text, _render(tree))


def _stripped_text(html: str) -> str:
    """Text with the tags stripped, for HTML too large to render; head, script and style go."""
    lowered = html.lower()
    kept: list[str] = []
    position = 0
    # str.find rather than a regex, so that a block that is never closed stays linear.
    while True:
        found = [(lowered.find(f"<{name}", position), name) for name in _HIDDEN_BLOCKS]
        starts = [(index, name) for index, name in found if index >= 0]
        if not starts:
            break
        start, name = min(starts)
        kept.append(html[position:start])
        end = lowered.find(f"</{name}", start)
        close = lowered.find(">", end) if end >= 0 else -1
        position = close + 1 if close >= 0 else len(html)
    kept.append(html[position:])
    return _tidy(unescape(_TAG.sub(" ", "".join(kept))))


def _remove_quotes(tree: LexborHTMLParser) -> bool:
    removed = False
    # The first match in document order is an outermost block: its nested blocks go with it.
    for _ in range(_MAX_QUOTE_BLOCKS):
        node = tree.css_first(_QUOTE_BLOCKS)
        if node is None:
            break
        node.decompose()
        removed = True
    marker = tree.css_first(_OUTLOOK_MARKERS)
    if marker is None:
        candidates = tree.css(_OUTLOOK_SEPARATOR)[:_MAX_QUOTE_BLOCKS]
        marker = next((node for node in candidates if _starts_header_block(node)), None)
    if marker is not None:
        _cut_from(marker)
    return removed or marker is not None


def _starts_header_block(node: LexborNode) -> bool:
    return _HEADER_BLOCK_START.match(node.text(deep=True, separator=" ")[:40]) is not None


def _cut_from(node: LexborNode) -> None:
    """Remove the node and everything after it in document order."""
    current: LexborNode | None = node
    while current is not None and current.tag not in ("body", "html"):
        following = current.next
        while following is not None:
            after = following.next
            following.decompose()
            following = after
        parent = current.parent
        if current is node:
            current.decompose()
        current = parent


def _render(tree: LexborHTMLParser) -> str:
    html = tree.html or ""
    try:
        text = get_text(html, _CONFIG)
    # inscriptis and lxml fail in several ways on hostile HTML (ParserError on an empty
    # document, ValueError on odd encodings, layout assertions on broken tables); the
    # parser's own text is a worse rendering but never fails.
    except Exception:
        body = tree.body
        text = body.text(separator="\n") if body is not None else ""
    if not text.strip() and tree.body is not None:
        # lxml silently drops content nested deeper than 255 elements; lexbor keeps it.
        text = tree.body.text(separator="\n")
    return _tidy(text)


def _tidy(text: str) -> str:
    # Line by line: a regex for trailing blanks is quadratic on a long run of &nbsp;.
    text = "\n".join(line.rstrip(" \t\u00a0") for line in text.replace("\r", "").split("\n"))
    return _BLANK_RUN.sub("\n\n", text).strip()
