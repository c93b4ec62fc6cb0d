"""Cut a message's new text into sentences, list items and lines, keeping character spans.

Email is not prose: people write one thought per line with no full stop, number their
questions, wrap lines at 72 columns, and write "M. Dupont" or "3.5 kg" in the middle of a
sentence. So a boundary is a sentence-ending mark followed by a space, a list marker at the
start of a line, a blank line, or a line break that does not look like a soft wrap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Segment:
    start: int
    end: int
    text: str
    list_item: bool  # the segment opened with "1.", "2)", "-", "•"…


# Words after which a full stop does not end the sentence.
_ABBREVIATION_TEXT = """
m mm mme mmes mlle dr pr st ste me etc cf ex p ref réf no n° tel tél env approx
mr mrs ms vs e.g i.e inc ltd co art min max nb
"""
_ABBREVIATIONS = frozenset(_ABBREVIATION_TEXT.split())
_LIST_MARKER = re.compile(r"[ \t]*(?:\(?\d{1,2}[.)°]|[a-h]\)|[-*•–·>]|[-*•]\s*\d{1,2}[.)])[ \t]+")
_END = re.compile(r"[.!?…]+[\"»”')\]]*(?=\s)|[?!]+")
_WORD_BEFORE = re.compile(r"([\w.]+)$")
# A wrapped line is long and the next one goes on in lower case or with a small word.
_WRAP_WIDTH = 60


def _soft_wrap(line: str, following: str) -> bool:
    if len(line.rstrip()) < _WRAP_WIDTH or not following.strip():
        return False
    if line.rstrip()[-1:] in ".!?:;…":
        return False
    first = following.lstrip()[:1]
    return first.islower() or first.isdigit()


def _lines(text: str) -> list[tuple[int, int, bool]]:
    """Logical lines as (start, end, list_item): soft-wrapped lines joined back."""
    lines: list[tuple[int, int, bool]] = []
    offset = 0
    raw = text.split("\n")
    for index, line in enumerate(raw):
        start, end = offset, offset + len(line)
        offset = end + 1
        joined = (
            lines
            and index > 0
            and _soft_wrap(raw[index - 1], line)
            and not _LIST_MARKER.match(line)
            and lines[-1][1] == start - 1
        )
        if joined:
            lines[-1] = (lines[-1][0], end, lines[-1][2])
        elif line.strip():
            marker = _LIST_MARKER.match(line)
            lines.append((start + (marker.end() if marker else 0), end, marker is not None))
    return lines


def _sentence_ends(text: str, start: int, end: int) -> list[int]:
    ends = []
    for match in _END.finditer(text, start, end):
        if match.group().startswith(".") and len(match.group()) == 1:
            word = _WORD_BEFORE.search(text, start, match.start())
            before = word.group(1).lower() if word else ""
            if before in _ABBREVIATIONS or (len(before) == 1 and before.isalpha()):
                continue
            if match.end() < end and text[match.end() : match.end() + 2].strip()[:1].isdigit():
                continue  # a stop before a number is an abbreviation: "p. 3", "art. 12"
        ends.append(match.end())
    return ends


def segments(text: str) -> list[Segment]:
    """Every sentence or line of `text`, in order, trimmed of spaces and list markers."""
    found: list[Segment] = []
    for line_start, line_end, list_item in _lines(text):
        cut = line_start
        for stop in [*_sentence_ends(text, line_start, line_end), line_end]:
            piece = text[cut:stop]
            stripped = piece.strip()
            if stripped:
                lead = len(piece) - len(piece.lstrip())
                found.append(
                    Segment(
                        start=cut + lead,
                        end=cut + lead + len(stripped),
                        text=stripped,
                        list_item=list_item and cut == line_start,
                    )
                )
            cut = stop
    return found
