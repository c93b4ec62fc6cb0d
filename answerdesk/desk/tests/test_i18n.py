"""The desk in English and French: the browser's language or the agent's own, the agent's
time zone, and a French catalogue with every string translated and compiled."""

from __future__ import annotations

import ast
import datetime as dt
import gettext
import re
import shutil
import zoneinfo
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from answerdesk.mail.actions import do_accept, do_process
from answerdesk.mail.tests.mails import make_mail
from answerdesk.tickets.models import AgentProfile, Message, Ticket

PACKAGE = Path(settings.BASE_DIR)
MESSAGES = Path(settings.LOCALE_PATHS[0]) / "fr" / "LC_MESSAGES"
# What makemessages leaves out, as the catalogue was made: tests and the NLP's data.
IGNORED = ["tests/*", "*/tests/*", "nlp/data/*"]
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]")


@pytest.fixture(autouse=True)
def _english_afterwards() -> Iterator[None]:
    # The desk's middleware activates the agent's language for the thread; leave none behind.
    yield
    translation.deactivate()


def ingest(blob_store, **mail) -> Ticket:
    do_process(do_accept([("smtp:192.0.2.1", make_mail(**mail))]).pending, store=blob_store)
    return Ticket.objects.get(messages__message_id=mail["message_id"])


# --- the language ------------------------------------------------------------------------
def test_the_browser_language_picks_french_or_english(client, make_staff):
    client.force_login(make_staff("agent", "camille"))

    french = client.get("/desk/inbox/open/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    english = client.get("/desk/inbox/open/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<html lang="fr">' in french
    assert "Tous ouverts" in french
    assert "En retard" in french
    assert "All open" not in french
    assert "All open" in english
    assert "Tous ouverts" not in english


def test_the_agents_own_language_wins_over_the_browsers(client, make_staff):
    agent = make_staff("agent", "camille")
    AgentProfile.objects.create(user=agent, ui_language="fr")
    client.force_login(agent)

    page = client.get("/desk/inbox/open/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<html lang="fr">' in page
    assert "Tous ouverts" in page
    assert "All open" not in page


# --- the time zone -----------------------------------------------------------------------
def _message_time(html: str, message: Message) -> tuple[dt.datetime, str]:
    """The message's <time>: its datetime attribute, parsed, and the text shown."""
    found = re.search(
        rf'id="message-{message.pk}".*?<time datetime="([^"]+)">([^<]+)</time>', html, re.S
    )
    assert found, f"no <time> for message {message.pk}"
    return dt.datetime.fromisoformat(found[1]), found[2].strip()


def test_times_are_shown_in_the_agents_time_zone(client, make_staff, blob_store):
    # 14:30 UTC in January: 15:30 in Paris (UTC+1), 09:30 in Montreal (UTC-5).
    ticket = ingest(blob_store, message_id="tz@x.fr", date="Thu, 15 Jan 2026 14:30:00 +0000")
    message = ticket.messages.get(message_id="tz@x.fr")
    sent = message.sent_at
    assert sent == dt.datetime(2026, 1, 15, 14, 30, tzinfo=dt.UTC)
    shown = {}
    for username, zone in [("paris", "Europe/Paris"), ("montreal", "America/Montreal")]:
        agent = make_staff("agent", username)
        AgentProfile.objects.create(user=agent, ui_language="fr", time_zone=zone)
        client.force_login(agent)
        page = client.get(f"/desk/tickets/{ticket.pk}/")
        assert page.status_code == 200
        shown[zone] = _message_time(page.content.decode(), message)

    paris_at, paris_text = shown["Europe/Paris"]
    montreal_at, montreal_text = shown["America/Montreal"]
    # The same instant, written in each zone's wall time.
    assert paris_at == montreal_at == sent
    assert paris_at.utcoffset() == dt.timedelta(hours=1)
    assert montreal_at.utcoffset() == dt.timedelta(hours=-5)
    assert paris_at.replace(tzinfo=None) - montreal_at.replace(tzinfo=None) == dt.timedelta(hours=6)
    assert paris_text == "15 janvier 2026 15:30"
    assert montreal_text == "15 janvier 2026 09:30"
    for zone, (_, text) in shown.items():
        assert sent.astimezone(zoneinfo.ZoneInfo(zone)).strftime("%H:%M") in text


# --- the catalogue -----------------------------------------------------------------------
def read_po(path: Path) -> list[tuple[set[str], dict[str, str]]]:
    """Each entry of a .po file as (flags, {"msgid": …, "msgstr[0]": …}); obsolete ones
    (#~) left out. The header is the entry whose msgid is empty."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        flags: set[str] = set()
        fields: dict[str, str] = {}
        key = ""
        for line in block.strip().splitlines():
            if line.startswith("#,"):
                flags.update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                fields[key] += ast.literal_eval(line)
            else:
                key, _, value = line.partition(" ")
                fields[key] = ast.literal_eval(value)
        if "msgid" in fields:
            entries.append((flags, fields))
    return entries


def _translations(fields: dict[str, str]) -> list[str]:
    return [v for k, v in fields.items() if k == "msgstr" or k.startswith("msgstr[")]


def _problems(entries: list[tuple[set[str], dict[str, str]]]) -> list[str]:
    problems = []
    for flags, fields in entries:
        msgid = fields["msgid"]
        if not msgid:
            continue
        if "fuzzy" in flags:
            problems.append(f"fuzzy: {msgid!r}")
        strings = _translations(fields)
        if not strings or not all(strings):
            problems.append(f"untranslated: {msgid!r}")
            continue
        wanted = set(PLACEHOLDER.findall(msgid + fields.get("msgid_plural", "")))
        for text in strings:
            if set(PLACEHOLDER.findall(text)) != wanted:
                problems.append(f"placeholders differ: {msgid!r} → {text!r}")
    return problems


def test_the_french_catalogue_is_complete():
    entries = read_po(MESSAGES / "django.po")
    header_flags, header = next(entry for entry in entries if not entry[1]["msgid"])

    assert "fuzzy" not in header_flags  # msgfmt would drop the header, plural forms with it
    assert "Language: fr\n" in header["msgstr"]
    assert "Plural-Forms: nplurals=2; plural=(n > 1);\n" in header["msgstr"]
    assert len(entries) > 300
    assert _problems(entries) == []


def test_the_compiled_catalogue_matches_the_po_file():
    """django.mo is what Django reads: a .po translated but not compiled changes nothing."""
    with (MESSAGES / "django.mo").open("rb") as compiled:
        mo = gettext.GNUTranslations(compiled)
    stale = []
    for _, fields in read_po(MESSAGES / "django.po"):
        msgid, context = fields["msgid"], fields.get("msgctxt")
        if not msgid:
            continue
        if "msgid_plural" in fields:
            plural = fields["msgid_plural"]
            got = [
                mo.npgettext(context, msgid, plural, n)
                if context
                else mo.ngettext(msgid, plural, n)
                for n in (1, 2)
            ]
            expected = [fields["msgstr[0]"], fields["msgstr[1]"]]
        else:
            got = [mo.pgettext(context, msgid) if context else mo.gettext(msgid)]
            expected = [fields["msgstr"]]
        if got != expected:
            stale.append(msgid)
    assert stale == [], "run compilemessages: django.mo is older than django.po"


def _copy_sources(target: Path) -> None:
    def ignored(directory: str, names: list[str]) -> set[str]:
        here = Path(directory)
        return {
            name
            for name in names
            if name in ("tests", "__pycache__", "migrations")
            or (here.name == "nlp" and name == "data")
            or (
                (here / name).is_file() and Path(name).suffix not in (".py", ".html", ".txt", ".po")
            )
        }

    shutil.copytree(PACKAGE, target, ignore=ignored)


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs gettext (apt: gettext)")
def test_every_source_string_is_in_the_catalogue(tmp_path, monkeypatch, settings):
    """makemessages on a copy of the sources: a string added to a template or to Python
    code without running makemessages and translating it fails here."""
    copy = tmp_path / "answerdesk"
    _copy_sources(copy)
    monkeypatch.chdir(copy)
    settings.LOCALE_PATHS = [copy / "locale"]

    call_command("makemessages", locale=["fr"], ignore_patterns=IGNORED, verbosity=0)

    assert _problems(read_po(copy / "locale" / "fr" / "LC_MESSAGES" / "django.po")) == []
