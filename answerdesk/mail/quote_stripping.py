"""Separate the new text of a reply from its quoted history, forwarded blocks and signature."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from answerdesk.mail.quote_patterns import (
    HeaderRole,
    Kind,
    attribution_candidate,
    header_role,
    is_attribution,
    line_kind,
    opens_attribution,
    unquote,
)

# How it works: every line gets a Kind, then a few passes cut the sequence the way a reader
# skims a reply. The sender's text comes first (or, for a bottom-poster, under the quote);
# the first delimiter, attribution or header block after it starts what the sender did not
# write. The behaviour is the one Discourse's email_reply_trimmer test suite (MIT) pins
# down; tests/test_quote_stripping.py runs that suite.

# Module globals rather than Kind.X in the loops: an Enum attribute lookup costs about four
# times as much, and this runs on every ingested message.
BLANK, TEXT, QUOTE, DELIMITER, SIGNATURE, ATTRIBUTION, HEADER = Kind
_HISTORY_HEAD = ATTRIBUTION + HEADER + BLANK
_QUOTED = QUOTE + BLANK

# A wrapped attribution spans at most this many lines; Gmail's text part breaks
# "On ... Some One\n\n<\nmailto:Some One <some.one@foo.bar>\n> wrote:" over five.
_MAX_ATTRIBUTION_LINES = 5
# Lines that are not "Label: value" allowed between two lines of a header block: a wrapped
# Subject, an empty "Cc:".
_MAX_HEADER_GAP = 2
# A header block names the sender and the subject plus at least one more field, so a
# customer's "From: Paris / To: Lyon / Date: 12/03" is not taken for a quoted message.
_MIN_HEADER_LINES = 3


def strip_quotes(text: str) -> str:
    """The text the sender wrote, without quoted history and machine signatures.

    Sign-offs ("Cordialement,", "Thanks, John") are the sender's text and stay. Interleaved
    replies keep the quotes they answer. When trimming would leave nothing (a bare forward,
    a header block alone) the whole message comes back, so a message with text never
    yields "". Only a message made of nothing but attribution lines and empty quote
    markers does.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    kinds = classify(lines, whole=False)
    kept = _trim(kinds)
    if _says_something(lines, kinds, kept):
        return _join(lines, kept)
    kinds = classify(lines)
    dropped = sorted(set(range(len(lines))).difference(kept))
    if _says_something(lines, kinds, dropped):
        return _join(lines, range(len(lines)))
    return ""


# --- classification ----------------------------------------------------------------------


def classify(lines: Sequence[str], *, whole: bool = True) -> list[Kind]:
    """The kind of each line.

    Unless `whole`, stops after the first delimiter that follows the sender's text: what
    comes after it is never kept, and on a long Outlook thread it is most of the message.
    """
    kinds: list[Kind] = []
    roles: dict[int, HeaderRole] = {}
    # Lines ending with a colon may be the last line of an attribution the client wrapped.
    # They are few, so joins are tried upwards from them rather than down from every line.
    tails: list[int] = []
    # The quoted history under a top-posted reply is most of a long message, and its lines
    # can only be quotes or blank: they take a shorter path below.
    quoted_from = len(lines)
    while quoted_from and lines[quoted_from - 1].lstrip()[:1] in ">":  # '>' or blank
        quoted_from -= 1
    in_code = False
    maybe_content = False
    for i in range(quoted_from):
        line = lines[i]
        stripped = line.strip()
        if not stripped:
            kinds.append(BLANK)
            continue
        fence = stripped.startswith("```")
        if fence or in_code:
            # Inside a Markdown code fence "####" is code, not a delimiter.
            in_code = in_code != fence
            kinds.append(TEXT)
            maybe_content = True
            continue
        if stripped[0] == ">":
            kind = QUOTE
        elif (role := header_role(line)) is not None:
            # Text unless _mark_header_blocks finds it in a block.
            roles[i] = role
            kind = TEXT
        else:
            kind = line_kind(stripped)
        kinds.append(kind)
        # "info@discourse.org> wrote:" is an attribution on its own, yet may end a longer one.
        if stripped[-1] in ":：" and (
            kind is TEXT or kind is QUOTE or (kind is ATTRIBUTION and not opens_attribution(line))
        ):
            tails.append(i)
        if kind is DELIMITER and maybe_content and not whole:
            # Lines above may turn out to be a wrapped attribution or a header block rather
            # than text: settle them before deciding.
            _settle(lines, kinds, tails, roles)
            if TEXT in kinds or QUOTE in kinds:
                return kinds
        maybe_content = maybe_content or kind is TEXT or kind is QUOTE
    for i in range(quoted_from, len(lines)):
        if in_code:
            kinds.append(BLANK if not lines[i].strip() else TEXT)
            continue
        stripped = lines[i].strip()
        kinds.append(QUOTE if stripped else BLANK)
        if stripped and stripped[-1] in ":：":
            tails.append(i)
    _settle(lines, kinds, tails, roles)
    return kinds


def _settle(
    lines: Sequence[str], kinds: list[Kind], tails: list[int], roles: dict[int, HeaderRole]
) -> None:
    for end in tails:
        _mark_wrapped_attribution(lines, kinds, end)
    _mark_header_blocks(kinds, roles)
    tails.clear()
    roles.clear()


def _mark_wrapped_attribution(lines: Sequence[str], kinds: list[Kind], end: int) -> None:
    """Mark the lines above `end` that, joined with it, make one attribution."""
    # Up to the nearest line that opens a date-led attribution ("On ...", "Le ..."), so a
    # line of the sender's text above it is never swallowed.
    for start in range(end - 1, max(-1, end - _MAX_ATTRIBUTION_LINES), -1):
        kind = kinds[start]
        if kind is not TEXT and kind is not BLANK:
            break
        if kind is TEXT and opens_attribution(lines[start]):
            if _joins_into_attribution(lines, start, end):
                kinds[start : end + 1] = [ATTRIBUTION] * (end + 1 - start)
            return
    # Someone-first attributions wrap too: "Max <max@x.de> schrieb am Fr., 28.\nApr. ...".
    if end == 0 or kinds[end] is ATTRIBUTION or kinds[end - 1] is not TEXT:
        return
    above = lines[end - 1]
    if ("@" in above or "<" in above) and _joins_into_attribution(lines, end - 1, end):
        kinds[end - 1 : end + 1] = [ATTRIBUTION, ATTRIBUTION]


def _joins_into_attribution(lines: Sequence[str], start: int, end: int) -> bool:
    # Continuation lines may carry a quote marker: "<foo@bar.com\n> wrote:".
    parts = (attribution_candidate(unquote(lines[i])) for i in range(start, end + 1))
    return is_attribution(" ".join(part for part in parts if part))


def _mark_header_blocks(kinds: list[Kind], roles: dict[int, HeaderRole]) -> None:
    """Mark runs of "Label: value" lines that make a quoted header block."""
    after = 0  # lines before this one already belong to a block
    for start in roles:  # in line order
        if start < after:
            continue
        seen = {roles[start]}
        count, last, gap = 1, start, 0
        j = start + 1
        while j < len(kinds) and gap <= _MAX_HEADER_GAP:
            role = roles.get(j)
            if role is not None:
                seen.add(role)
                count, last, gap = count + 1, j, 0
            elif kinds[j] is not TEXT and kinds[j] is not BLANK:
                break
            else:
                gap += 1
            j += 1
        if count >= _MIN_HEADER_LINES and HeaderRole.SENDER in seen and HeaderRole.SUBJECT in seen:
            kinds[start : last + 1] = [HEADER] * (last + 1 - start)
        after = last + 1


# --- trimming -------------------------------------------------------------------------------


@dataclass(slots=True)
class _Kept:
    """The lines still kept: their indices, and their kinds as a string of Kind codes, so a
    pass finds the next attribution or the end of a quote with str methods."""

    index: list[int]
    codes: str

    def __getitem__(self, part: slice) -> _Kept:
        return _Kept(self.index[part], self.codes[part])

    def __len__(self) -> int:
        return len(self.codes)

    def skip(self, pos: int, kinds: str) -> int:
        """The first position from `pos` on whose kind is not in `kinds`."""
        rest = self.codes[pos:]
        return pos + len(rest) - len(rest.lstrip(kinds))

    def without(self, kind: Kind, start: int = 0, end: int | None = None) -> _Kept:
        """The same lines but those of `kind` between `start` and `end`."""
        end = len(self.codes) if end is None else end
        if self.codes.find(kind, start, end) < 0:
            return self
        codes = self.codes[start:end]
        index = [i for i, code in zip(self.index[start:end], codes, strict=True) if code != kind]
        return _Kept(
            self.index[:start] + index + self.index[end:],
            self.codes[:start] + codes.replace(kind, "") + self.codes[end:],
        )


def _trim(kinds: Sequence[Kind]) -> list[int]:
    """Indices of the lines to keep, in order."""
    kept = _Kept(list(range(len(kinds))), "".join(kinds))
    kept = _cut_at_delimiter(kept).without(SIGNATURE)
    kept, bottom_posted = _strip_leading_history(kept)
    kept = _cut_at_history(kept, bottom_posted)
    return _drop_trailing_quotes(kept).index


def _cut_at_delimiter(kept: _Kept) -> _Kept:
    # What follows "-- " or a rule is a signature, or the separator Outlook puts above the
    # quoted message: either way not new text. A rule before any text (a forward that
    # opens with Outlook's "_____") only drops itself.
    if DELIMITER not in kept.codes:
        return kept
    content = _find_either(kept.codes, TEXT, QUOTE, 0)
    if content >= 0 and (cut := kept.codes.find(DELIMITER, content)) >= 0:
        kept = kept[:cut]
    return kept.without(DELIMITER)


def _strip_leading_history(kept: _Kept) -> tuple[_Kept, bool]:
    """Drop an attribution or header block that opens the message (bottom-post, forward).

    Returns the lines left and whether the sender writes under the quotes.
    """
    first = kept.skip(0, BLANK)
    if first == len(kept) or kept.codes[first] not in ATTRIBUTION + HEADER:
        return kept, False
    body = kept.skip(first, _HISTORY_HEAD)
    if body < len(kept) and kept.codes[body] == QUOTE:
        after = kept.skip(body, _QUOTED)
        rest = kept.codes[after:]
        # Quote, then text and no more quotes: a bottom-posted reply, the quote is history.
        # With more quotes it is an interleaved reply and the quotes are its context.
        if TEXT in rest and QUOTE not in rest:
            return kept[after:], True
    return kept[body:], True


def _cut_at_history(kept: _Kept, bottom_posted: bool) -> _Kept:
    pos = 0
    while (pos := _find_either(kept.codes, ATTRIBUTION, HEADER, pos)) >= 0:
        if kept.codes[pos] == HEADER:
            return kept[:pos]
        body = kept.skip(pos, _HISTORY_HEAD)
        # No '>' quote under the attribution: the history follows unquoted (Outlook, mobile
        # Gmail), so everything from here is history.
        if body == len(kept) or kept.codes[body] != QUOTE:
            return kept[:pos]
        after = kept.skip(body, _QUOTED)
        rest = kept.codes[after:]
        # Text under the quote is an answer when quotes come back after it (interleaved) or
        # when the sender writes under quotes anyway (bottom-poster). Under a top-poster's
        # quote it is a signature or disclaimer the client or the server appended.
        if TEXT not in rest or (QUOTE not in rest and not bottom_posted):
            return kept[:pos]
        # The attribution lines go; the quote stays as the context of the answer.
        before = len(kept)
        kept = kept.without(ATTRIBUTION, pos, body).without(HEADER, pos, body)
        pos = after - (before - len(kept))
    return kept


def _drop_trailing_quotes(kept: _Kept) -> _Kept:
    # A quote the sender answered above is history; a message of quotes only stays whole.
    end = len(kept.codes.rstrip(_QUOTED))
    if end == len(kept) or TEXT not in kept.codes[:end]:
        return kept
    return kept[:end]


def _find_either(codes: str, one: Kind, other: Kind, start: int) -> int:
    """Position of the first `one` or `other` in `codes` from `start` on, or -1."""
    first = codes.find(one, start)
    second = codes.find(other, start)
    return first if second < 0 or 0 <= first < second else second


# --- output ---------------------------------------------------------------------------------


def _join(lines: Sequence[str], chosen: Sequence[int]) -> str:
    # Blank lines go at both ends; the first line keeps its indentation (it may be code).
    start = 0
    while start < len(chosen) and not lines[chosen[start]].strip():
        start += 1
    return "\n".join([lines[i] for i in chosen[start:]]).rstrip()


def _says_something(lines: Sequence[str], kinds: Sequence[Kind], chosen: Sequence[int]) -> bool:
    """Whether the chosen lines hold more than blank quotes and attribution lines."""
    if any(kinds[i] is TEXT or kinds[i] is HEADER or kinds[i] is SIGNATURE for i in chosen):
        return True
    for i in chosen:
        if kinds[i] is QUOTE:
            said = attribution_candidate(unquote(lines[i]))
            if said and not is_attribution(said):
                return True
    return False
