"""Customer HTML shown in the desk: sanitised, remote images held back, links marked.

nh3 (the Ammonia sanitiser) keeps a fixed list of harmless tags and attributes; no script,
style, form or event handler survives. Remote images are dropped until the agent asks for
them, because loading one tells the sender the message was read, and from where. Images
sent inside the message (cid:) are shown from their attachment. Every link opens in a new
tab without a referrer and shows its real destination on hover, so that a link reading
"your-bank.com" that goes elsewhere is seen for what it is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

import nh3
from selectolax.lexbor import LexborHTMLParser

_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "div", "dl", "dt", "em",
    "font", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre",
    "q", "s", "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "u", "ul",
}  # fmt: skip
_ATTRIBUTES = {
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
_REMOTE = ("http:", "https:", "//")


@dataclass(frozen=True, slots=True)
class SafeHtml:
    html: str  # safe to insert into the page as is
    blocked_images: int  # remote images left out (0 when they were allowed)


def sanitise(
    html: str,
    *,
    allow_remote_images: bool = False,
    inline_image_url: Callable[[str], str | None] = lambda content_id: None,
) -> SafeHtml:
    """The message's HTML, safe to show inside the desk's own page."""
    blocked = 0

    def keep(tag: str, attribute: str, value: str) -> str | None:
        nonlocal blocked
        if tag != "img" or attribute != "src":
            return value
        source = value.strip()
        if source.lower().startswith("cid:"):
            return inline_image_url(source[4:].strip("<>"))
        if source.lower().startswith(_REMOTE):
            if allow_remote_images:
                # A protocol-relative address takes the desk's scheme: say it, https.
                return f"https:{source}" if source.startswith("//") else source
            blocked += 1
            return None
        return None  # data: and anything else: not worth the risk

    cleaned = nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "cid"},  # cid: is rewritten by keep()
        link_rel="noopener noreferrer nofollow",
        attribute_filter=keep,
        strip_comments=True,
    )
    return SafeHtml(_mark_links(cleaned), blocked)


def _mark_links(html: str) -> str:
    """Each link shows where it really goes and opens in a new tab."""
    if "<a" not in html:
        return html
    tree = LexborHTMLParser(f"<div>{html}</div>")
    for link in tree.css("a"):
        href = link.attributes.get("href") or ""
        if not href:
            continue
        link.attrs["title"] = href
        link.attrs["target"] = "_blank"
        link.attrs["class"] = "external-link"
        shown = link.text(strip=True)
        actual = urlsplit(href).hostname or ""
        if actual and shown and _looks_like_another_host(shown, actual):
            link.attrs["class"] = "external-link mismatched-link"
    root = tree.css_first("div")
    return root.inner_html if root is not None and root.inner_html else ""


def _looks_like_another_host(shown: str, actual: str) -> bool:
    """The link text names a web address whose host is not where the link goes."""
    candidate = shown.strip().lower()
    if " " in candidate or "." not in candidate:
        return False
    host = urlsplit(candidate if "//" in candidate else f"//{candidate}").hostname or ""
    actual = actual.lower()
    return bool(host) and host != actual and not actual.endswith(f".{host}")


def cid_resolver(urls_by_content_id: Mapping[str, str]) -> Callable[[str], str | None]:
    return lambda content_id: urls_by_content_id.get(content_id.strip("<>"))
