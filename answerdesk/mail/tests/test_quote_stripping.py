"""Quote stripping against Discourse's reply corpus, our own client fixtures, and fuzzing."""

from __future__ import annotations

import re
import time
from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from answerdesk.mail.quote_stripping import strip_quotes

# Discourse's email_reply_trimmer test suite (MIT): emails/X.txt must reduce to trimmed/X.txt.
# The shared material sits beside the repository (../shared), in CI as on a workstation.
DISCOURSE = Path(__file__).resolve().parents[3].parent / "shared/corpora/email_reply_trimmer/test"
QUOTES = Path(__file__).parent / "quotes"

# The languages the corpus file names carry ("embedded_email_french_1"); a name without one
# is an English reply.
LANGUAGES = frozenset(
    (
        "chinese", "dutch", "french", "german", "italian", "norwegian", "polish",
        "portuguese", "russian", "spanish", "swedish", "ukrainian",
    )
)  # fmt: skip
REQUIRED_RATE = 0.95
# Every case in these languages must pass, not just the overall rate.
MUST_PASS = frozenset(("english", "french"))


def language(name: str) -> str:
    return next((part for part in name.split("_") if part in LANGUAGES), "english")


def normalised(text: str) -> str:
    """The comparison form: the fixtures differ only in leading blank lines and trailing
    whitespace. Indentation of the first line is kept: it is real (code in a reply)."""
    return re.sub(r"\A(?:[ \t]*\n)+", "", text.replace("\r\n", "\n")).rstrip()


def read(path: Path) -> str:
    # Bytes, not read_text(): universal newlines would hide the CRLF fixtures.
    return path.read_bytes().decode("utf-8")


def discourse_names() -> list[str]:
    # A missing corpus yields no names, and the rate test below fails on its count of 64:
    # the acceptance suite must never be skipped silently.
    return sorted(path.stem for path in (DISCOURSE / "emails").glob("*.txt"))


def discourse_case(name: str) -> tuple[str, str]:
    return read(DISCOURSE / "emails" / f"{name}.txt"), read(DISCOURSE / "trimmed" / f"{name}.txt")


def test_discourse_suite_rate_per_language() -> None:
    # Given every reply of the corpus, when each is stripped, then at least 95% match
    # Discourse's expected output exactly, and every English and French one does.
    passed: dict[str, list[bool]] = defaultdict(list)
    for name in discourse_names():
        email, trimmed = discourse_case(name)
        passed[language(name)].append(strip_quotes(email) == normalised(trimmed))

    print("\nlanguage      exact  cases")
    for lang, results in sorted(passed.items()):
        print(f"{lang:<12} {sum(results):>6} {len(results):>6}")
    total = sum(len(results) for results in passed.values())
    exact = sum(sum(results) for results in passed.values())
    print(f"{'all':<12} {exact:>6} {total:>6}   {exact / total:.1%}")

    assert total == 64
    assert exact / total >= REQUIRED_RATE
    assert all(all(passed[lang]) for lang in MUST_PASS)


@pytest.mark.parametrize(
    "name", [name for name in discourse_names() if language(name) in MUST_PASS]
)
def test_discourse_english_and_french_case(name: str) -> None:
    email, trimmed = discourse_case(name)

    assert strip_quotes(email) == normalised(trimmed)


def fixture_names() -> list[str]:
    return sorted(p.stem for p in QUOTES.glob("*.txt") if not p.name.endswith(".expected.txt"))


@pytest.mark.parametrize("name", fixture_names())
def test_client_fixture(name: str) -> None:
    # Given a reply as a French or English mail client writes it, when stripped, then only
    # what the sender wrote is left.
    email = read(QUOTES / f"{name}.txt")
    expected = read(QUOTES / f"{name}.expected.txt")

    assert strip_quotes(email) == normalised(expected)


def test_fixtures_cover_both_languages_and_the_main_clients() -> None:
    names = [name.split("_") for name in fixture_names()]

    for client in ("gmail", "outlook", "apple", "thunderbird", "interleaved", "bottom"):
        for lang in ("en", "fr"):
            assert any(parts[0] == client and lang in parts for parts in names), (client, lang)


def test_quote_only_reply_keeps_the_quote() -> None:
    assert strip_quotes("> Only a quote.\n") == "> Only a quote."


def test_reply_of_attribution_lines_only_is_empty() -> None:
    # Nothing but attribution lines and empty quote markers: there is nothing to keep.
    spam = "> On Thu, Apr 30, 2020 at 10:07 AM, A <a@example.com> wrote:\n>\n" * 3

    assert strip_quotes(spam) == ""


def test_everything_trimmed_gives_the_whole_message_back() -> None:
    forward = "From: A <a@example.com>\nSent: Monday, 3 February 2025 10:12\nTo: B\nSubject: Hi"

    assert strip_quotes(forward) == forward


def test_empty_and_blank_messages() -> None:
    assert strip_quotes("") == ""
    assert strip_quotes(" \n\t\n") == ""


def test_lines_built_to_backtrack_stay_fast() -> None:
    # "Sent from my a-a-a-...!" once took seconds to fail: '-' could both sit inside a word
    # and separate two. Such lines now take well under a millisecond each.
    lines = (
        "Sent from my " + "a-" * 40 + "!",
        "Envoyé de mon " + "a-" * 40 + "?",
        "On 3 May 2024 " + "a " * 150 + "b:",
        "Am 3.5.2024 schrieb " + "schrieb " * 40 + "x",
    )
    started = time.perf_counter()

    for line in lines:
        assert strip_quotes(line) == line

    assert time.perf_counter() - started < 0.5


# --- properties ---------------------------------------------------------------------------

PROSE = "I still have not received my order."

# Lines that exercise each rule, mixed with arbitrary text.
FRAGMENTS = st.sampled_from(
    (
        "",
        PROSE,
        "> quoted line",
        ">",
        "| piped quote",
        "Richard> supercite",
        "-- ",
        "________________________________",
        "Sent from my iPhone",
        "Envoyé de mon iPhone",
        "On Mon, Feb 3, 2025 at 10:12 AM John <j@example.com> wrote:",
        "On Mon, Feb 3, 2025 at 10:12 AM John <j@example.com>",
        "wrote:",
        "Le lun. 3 févr. 2025 à 10:12, Marie <m@example.fr> a écrit :",
        "-----Original Message-----",
        "From: A <a@example.com>",
        "De : A <a@example.fr>",
        "Sent: Monday, February 3, 2025 10:12 AM",
        "To: B",
        "Subject: Order",
        "Objet : Commande",
        "```",
        "Cordialement,",
    )
)
MESSAGES = st.lists(st.one_of(FRAGMENTS, st.text(max_size=40)), max_size=30).map("\n".join)


def input_lines(text: str) -> set[str]:
    return {line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")}


@given(st.one_of(st.text(), MESSAGES))
def test_output_is_made_of_input_lines(text: str) -> None:
    # Given any text, when stripped, then it does not raise and every line it returns is a
    # line of the input: stripping only removes.
    result = strip_quotes(text)

    assert input_lines(result) <= input_lines(text) | {""}


@given(MESSAGES)
def test_never_empty_when_the_sender_wrote_text(text: str) -> None:
    # Given a message that holds a line of plain text anywhere, then the result is not empty.
    result = strip_quotes(text)

    if PROSE in text.split("\n"):
        assert result
