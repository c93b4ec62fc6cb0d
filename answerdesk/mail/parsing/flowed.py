"""Decoding of text/plain; format=flowed (RFC 3676): soft line breaks joined back."""

from __future__ import annotations


def unflow(text: str, delsp: bool) -> str:
    """Join the lines a flowed body soft-broke, keeping quote depth as "> " prefixes."""
    lines: list[str] = []
    paragraph: list[str] = []
    paragraph_depth = 0

    def flush() -> None:
        if paragraph:
            joined = "".join(paragraph)
            space = " " if paragraph_depth and joined else ""
            lines.append(">" * paragraph_depth + space + joined)
            paragraph.clear()

    for line in text.split("\n"):
        stripped = line.lstrip(">")
        depth = len(line) - len(stripped)
        # §4.4: a line starting with a space was space-stuffed by the sender.
        content = stripped[1:] if stripped.startswith(" ") else stripped
        if paragraph and depth != paragraph_depth:
            flush()  # §4.5: a change of quote depth ends a paragraph, flowed or not
        paragraph_depth = depth
        # §4.3: the signature separator "-- " ends in a space but is never flowed.
        if content.endswith(" ") and content != "-- ":
            paragraph.append(content[:-1] if delsp else content)
            continue
        paragraph.append(content)
        flush()
    flush()
    return "\n".join(lines)
