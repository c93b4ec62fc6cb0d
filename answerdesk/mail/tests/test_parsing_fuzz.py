"""parse_message never raises, whatever the bytes: random, mutated fixtures, MIME-shaped noise."""

from __future__ import annotations

import base64
import datetime as dt
import struct
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from answerdesk.mail.parsing import INTERNAL_ERROR, ParsedMessage, parse_message

FIXTURES = sorted((Path(__file__).parent / "fixtures").glob("*.eml"))
RAW_FIXTURES = [path.read_bytes() for path in FIXTURES]
RECEIVED_AT = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_sound(parsed: ParsedMessage) -> None:
    """What every caller relies on, even for garbage in."""
    assert isinstance(parsed, ParsedMessage)
    assert not [d for d in parsed.defects if d.startswith(INTERNAL_ERROR)], parsed.defects
    assert parsed.date.tzinfo is not None
    assert parsed.date.utcoffset() is not None
    assert parsed.message_id
    assert "\ud800" not in parsed.text  # no lone surrogate that a database would refuse
    for attachment in parsed.attachments:
        assert attachment.size == len(attachment.payload)
        assert attachment.filename


@FUZZ
@given(st.binary(max_size=4000))
def test_random_bytes_never_raise(raw):
    assert_sound(parse_message(raw, RECEIVED_AT))


@st.composite
def mutated_fixtures(draw: st.DrawFn) -> bytes:
    raw = bytearray(draw(st.sampled_from(RAW_FIXTURES)))
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(
            st.sampled_from(["flip", "truncate", "duplicate_header", "insert_8bit", "delete"])
        )
        position = draw(st.integers(0, max(len(raw) - 1, 0)))
        if kind == "flip" and raw:
            raw[position] ^= 1 << draw(st.integers(0, 7))
        elif kind == "truncate":
            del raw[position:]
        elif kind == "duplicate_header":
            end = raw.find(b"\n", position)
            start = raw.rfind(b"\n", 0, position) + 1
            if end > start:
                raw[end + 1 : end + 1] = raw[start : end + 1]
        elif kind == "insert_8bit":
            raw[position:position] = draw(
                st.binary(min_size=1, max_size=8).map(lambda b: bytes(x | 0x80 for x in b))
            )
        else:
            del raw[position : position + draw(st.integers(1, 200))]
    return bytes(raw)


@FUZZ
@given(mutated_fixtures())
def test_mutated_fixtures_never_raise(raw):
    assert_sound(parse_message(raw, RECEIVED_AT))


# Pieces that steer random input into the parser's deeper paths: boundaries, nesting,
# encoded words, RFC 2231 sections, transfer encodings, TNEF and odd charsets.
_PIECES = [
    b"Content-Type: multipart/mixed; boundary=b\r\n",
    b'Content-Type: multipart/alternative; boundary="b"\r\n',
    b"Content-Type: message/rfc822\r\n",
    b"Content-Type: text/html; charset=utf-7\r\n",
    b'Content-Type: text/plain; charset="x-user-defined"; format=flowed; delsp=yes\r\n',
    b"Content-Type: application/ms-tnef; name=winmail.dat\r\n",
    b"Content-Disposition: attachment; filename*0*=utf-8''%C3%A9; filename*1=x.pdf\r\n",
    b"Content-Disposition: inline; filename*=bogus'fr'%FF%FE\r\n",
    b"Content-Transfer-Encoding: base64\r\n",
    b"Content-Transfer-Encoding: quoted-printable\r\n",
    b"Content-Transfer-Encoding: x-uuencode\r\nbegin 644 a\r\n#86)C\r\nend\r\n",
    b"Content-ID: <a@b>\r\n",
    b"Subject: =?utf-8?B?w6k?= =?utf-8?Q?=A9_x?= =?bogus?q?=E9?\r\n",
    b'From: =?utf-8?Q?a=2C_b?= <A@B.EXAMPLE>, "c" <d@e>, undisclosed-recipients:;\r\n',
    b"Date: Mon, 99 Foo 99999 25:61:61 +9999\r\n",
    b"Message-ID: <>\r\nReferences: <a@b> junk <c@d>\r\n",
    b"Auto-Submitted: auto-replied\r\nPrecedence: bulk\r\nList-Id: <l>\r\n",
    b"--b\r\n",
    b"--b--\r\n",
    b"\r\n",
    b"\n",
    b"\r",
    b" folded continuation\r\n",
    b"<html><blockquote type=cite><div class=gmail_quote>q</div></blockquote>",
    b"<div id=divRplyFwdMsg>From: x</div><p>tail</p><script>x</script>",
    b"\xff\xfe\x00\xe9\x80\x9d",
    b"=?utf-8?Q?",
    b'x"\\;=',
]


@FUZZ
@given(st.lists(st.one_of(st.sampled_from(_PIECES), st.binary(max_size=20)), max_size=60))
def test_mime_shaped_noise_never_raises(pieces):
    assert_sound(parse_message(b"".join(pieces), RECEIVED_AT))


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 200))
def test_deep_nesting_is_bounded(depth):
    raw = b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n" * depth + b"\r\nhello\r\n"

    assert_sound(parse_message(raw, RECEIVED_AT))


HTML = b"Content-Type: text/html\r\n\r\n"


def _many_tiny_tnef_attributes() -> bytes:
    attribute = struct.pack("<BHHI", 1, 0x8004, 1, 1) + b"a" + struct.pack("<H", ord("a"))
    blob = struct.pack("<IH", 0x223E9F78, 1) + attribute * 200_000
    head = b"Content-Type: application/ms-tnef\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    return head + base64.encodebytes(blob)


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(b"From: a" + b" " * 100_000 + b"x\r\n\r\nhi", id="spaces-in-from"),
        pytest.param(
            b"Content-Type: text/html\r\n\r\n<p>" + b"&nbsp;" * 100_000 + b"x", id="nbsp-run"
        ),
        pytest.param(
            b"Content-Type: multipart/mixed; boundary=b\r\n\r\n" + b"--b\r\n\r\nx\r\n" * 20_000,
            id="parts",
        ),
        pytest.param(b"Subject: " + b"=?utf-8?Q?a " * 20_000 + b"\r\n\r\n", id="open-words"),
        pytest.param(_many_tiny_tnef_attributes(), id="tnef-attributes"),
        pytest.param(HTML + b"<div>" * 9_990 + b"x", id="nested-div"),
        pytest.param(HTML + b"<div>" * 100_000 + b"x", id="too-many-tags"),
        pytest.param(HTML + b"<select>" + b"<option>" * 9_990, id="options"),
        pytest.param(HTML + b"<blockquote type=cite>" * 9_990 + b"x", id="nested-quotes"),
    ],
)
def test_hostile_sizes_parse_in_linear_time(raw):
    # A quadratic step would take minutes on these; each takes well under 0.2 s here.
    started = time.perf_counter()

    assert_sound(parse_message(raw, RECEIVED_AT))

    assert time.perf_counter() - started < 2.0
