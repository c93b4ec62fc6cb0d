"""parse_message on real-looking mail from each client and each kind of damage (FR and EN)."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from answerdesk.mail.parsing import Address, Flag, ParsedMessage, parse_message
from answerdesk.mail.parsing.charsets import decode_declared
from answerdesk.mail.parsing.html_text import html_texts
from answerdesk.mail.tests import make_tnef

FIXTURES = Path(__file__).parent / "fixtures"
RECEIVED_AT = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)


def raw_fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def parse_fixture(name: str) -> ParsedMessage:
    return parse_message(raw_fixture(name), RECEIVED_AT)


def with_headers(name: str, *lines: str, drop: tuple[str, ...] = ()) -> bytes:
    """The fixture with some header fields removed and others added at the top."""
    head, body = raw_fixture(name).split(b"\r\n\r\n", 1)
    kept = [
        line
        for line in head.split(b"\r\n")
        if not line.lower().startswith(tuple(f"{field.lower()}:".encode() for field in drop))
    ]
    added = [line.encode("utf-8") for line in lines]
    return b"\r\n".join(added + kept) + b"\r\n\r\n" + body


@pytest.mark.parametrize("name", sorted(path.name for path in FIXTURES.glob("*.eml")))
def test_every_fixture_parses_to_an_aware_date_and_an_id(name):
    # Given any fixture, when parsed
    parsed = parse_fixture(name)

    # Then nothing fell back to the last-resort path
    assert not [d for d in parsed.defects if d.startswith("internal parser error")]
    assert parsed.date.tzinfo is not None
    assert parsed.message_id
    assert "<" not in parsed.message_id


def test_gmail_reply_fr_headers_addresses_and_thread_ids():
    parsed = parse_fixture("gmail_reply_fr.eml")

    assert parsed.subject == "Re: Commande n° 4521 non reçue"
    # The domain is lower-cased, the local part kept as written (RFC 5321 §2.4).
    assert parsed.from_ == Address("Marie.Dupont@gmail.example", "Marie Dupont")
    assert parsed.cc == [Address("anais.dupont@laposte.example", "Anaïs Dupont")]
    assert parsed.to == [Address("support@shop.example", "Service client")]
    assert parsed.message_id == "CAF3k9x7h2LpQ0Zs+Wd8@mail.gmail.example"
    assert parsed.in_reply_to == ["1738662720.4f1c2b9a@shop.example"]
    assert parsed.references == [
        "CAF3k9x2Qm0r7Tq@mail.gmail.example",
        "1738662720.4f1c2b9a@shop.example",
    ]
    assert parsed.date == dt.datetime(2025, 2, 5, 8, 13, 51, tzinfo=dt.UTC)
    assert parsed.flags == set()


def test_gmail_reply_fr_every_header_is_decoded_and_unfolded_in_order():
    parsed = parse_fixture("gmail_reply_fr.eml")

    names = [name for name, _ in parsed.headers]
    assert names[:6] == [
        "Return-Path",
        "Received",
        "MIME-Version",
        "References",
        "In-Reply-To",
        "From",
    ]
    assert names[-2:] == ["Cc", "Content-Type"]
    assert ("Subject", "Re: Commande n° 4521 non reçue") in parsed.headers
    assert ("Cc", "Anaïs Dupont <anais.dupont@laposte.example>") in parsed.headers
    assert "\n" not in parsed.header("Received")
    assert parsed.header("received").endswith("Wed,  5 Feb 2025 09:14:03 +0100 (CET)")


def test_gmail_reply_fr_keeps_the_quote_in_text_and_drops_gmail_quote_from_html():
    parsed = parse_fixture("gmail_reply_fr.eml")

    rendered = html_texts(parsed.html)

    assert "a été expédiée lundi" in parsed.text
    assert "a été expédiée lundi" in rendered.text
    assert "Toujours rien reçu ce matin" in rendered.unquoted
    assert "expédiée" not in rendered.unquoted
    assert "a écrit" not in rendered.unquoted


def test_outlook_reply_fr_reads_latin1_labels_as_windows_1252():
    # Given Outlook mail labelled iso-8859-1 holding € (0x80) and – (0x96), as Outlook does
    parsed = parse_fixture("outlook_reply_fr.eml")

    # Then they decode as windows-1252 (WHATWG), without calling it a repair
    assert parsed.subject == "RE: Devis n° D-2025-118 – délai de livraison"
    assert "le prix de 1 250 € HT inclut-il la pose ?" in parsed.text
    assert Flag.CHARSET_REPAIRED not in parsed.flags


def test_outlook_reply_fr_html_history_after_the_border_top_header_is_cut():
    parsed = parse_fixture("outlook_reply_fr.eml")

    rendered = html_texts(parsed.html)

    assert "Veuillez trouver notre devis" in rendered.text
    assert "pouvez-vous livrer avant le 20 février" in rendered.unquoted
    assert "Veuillez trouver notre devis" not in rendered.unquoted
    assert "Envoyé" not in rendered.unquoted
    assert "MsoNormal" not in rendered.text  # the <style> block is not text


def test_outlook_reply_en_html_only_new_text_stops_at_div_rply_fwd_msg():
    # Given an Outlook on the web reply sent as HTML only
    parsed = parse_fixture("outlook_reply_en.eml")

    # Then the text comes from the HTML, whole, and the new text has no history
    assert Flag.HTML_ONLY in parsed.flags
    assert "Dear James" in parsed.text
    assert "Could you send me a working tracking number?" in parsed.new_text
    assert "Dear James" not in parsed.new_text
    assert "Sent:" not in parsed.new_text
    assert parsed.from_ == Address("J.Walker@northwind-trading.example", "James Walker")


def test_apple_mail_reply_fr_blockquote_cite_and_attribution_are_dropped_from_html():
    parsed = parse_fixture("apple_mail_reply_fr.eml")

    rendered = html_texts(parsed.html)

    assert parsed.subject == "Re\u00a0: Retour du fauteuil Oslo"
    assert parsed.to == [Address("retours@shop.example")]
    assert "Dois-je reprendre un créneau ?" in rendered.unquoted
    assert "Le transporteur passera" not in rendered.unquoted
    assert "a écrit" not in rendered.unquoted


def test_thunderbird_reply_en_format_flowed_lines_are_joined():
    parsed = parse_fixture("thunderbird_reply_en.eml")

    assert (
        "I can see £39.99 on my statement, but the delivery charge of £4.99 was not "
        "refunded. Could you look into it, please?"
    ) in parsed.text
    assert (
        "> We have refunded your order today. The money should reach your account "
        "within 5 working days.\n"
    ) in parsed.text
    assert ">> Original message: the kettle stopped working after a week." in parsed.text


def test_iphone_fr_joins_the_text_around_the_photo_and_lists_the_photo():
    parsed = parse_fixture("iphone_fr.eml")

    assert "voici la photo :" in parsed.text
    assert "Que dois-je faire ?" in parsed.text
    [photo] = parsed.attachments
    assert (photo.filename, photo.content_type, photo.inline) == (
        "IMG_0421.jpeg",
        "image/jpeg",
        False,
    )
    assert photo.payload.startswith(b"\xff\xd8\xff\xe0")
    assert photo.size == len(photo.payload) == 278
    assert photo.sha256 == hashlib.sha256(photo.payload).hexdigest()


def test_latin1_8bit_without_charset_is_guessed_and_flagged():
    parsed = parse_fixture("latin1_8bit_no_charset.eml")

    assert "J'ai renvoyé la bouilloire" in parsed.text
    assert "Pouvez-vous vérifier où en est le dossier ?" in parsed.text
    assert Flag.CHARSET_REPAIRED in parsed.flags


def test_cp1252_bytes_declared_utf8_come_out_right_and_flagged():
    parsed = parse_fixture("cp1252_declared_utf8.eml")

    assert "indique 149,90 € alors que j’ai payé" in parsed.text
    assert "« HIVER20 »" in parsed.text
    assert "\ufffd" not in parsed.text
    assert Flag.CHARSET_REPAIRED in parsed.flags
    assert any("utf-8" in defect for defect in parsed.defects)


def test_broken_encoded_words_are_decoded_leniently():
    # Given an unterminated subject word, a name split mid-character across two words,
    # and a name in an unknown charset
    parsed = parse_fixture("broken_encoded_word_subject.eml")

    assert parsed.subject == "Réclamation commande n° 7781 – article manquant"
    assert parsed.from_ == Address("melanie.faure@sfr-mail.example", "Mélanie Faure")
    assert parsed.cc == [Address("francois.faure@sfr-mail.example", "François Faure")]
    assert Flag.HEADER_REPAIRED in parsed.flags
    assert any("unterminated" in defect for defect in parsed.defects)


def test_raw_8bit_latin1_header_bytes_are_read_as_windows_1252():
    parsed = parse_fixture("raw_8bit_header_latin1.eml")

    assert parsed.subject == "Problème de livraison à Besançon"
    assert parsed.from_ == Address("b.lacroix@laposte.example", "Bérénice Lacroix")
    assert Flag.HEADER_REPAIRED in parsed.flags


def test_rfc2231_and_rfc2047_filenames_and_a_generated_name():
    parsed = parse_fixture("rfc2231_filename.eml")

    assert [(a.filename, a.content_type) for a in parsed.attachments] == [
        ("Relevé de compte février 2025.pdf", "application/pdf"),  # continuations, utf-8
        ("photo_été.png", "image/png"),  # iso-8859-1 with a language
        ("Capture d’écran 2025-02-12 à 10.41.07.png", "image/png"),  # RFC 2047 in the name
        ("attachment-1.pdf", "application/pdf"),  # no name at all
    ]
    for attachment in parsed.attachments:
        assert attachment.size == len(attachment.payload)
        assert attachment.sha256 == hashlib.sha256(attachment.payload).hexdigest()
    assert parsed.attachments[0].payload.startswith(b"%PDF-1.4\n")


def test_html_only_text_is_rendered_without_script_style_or_title():
    parsed = parse_fixture("html_only.eml")

    assert Flag.HTML_ONLY in parsed.flags
    assert "Mon aspirateur Turbo X2 ne s’allume plus" in parsed.text
    assert "* Référence : TX2-448" in parsed.text
    assert "trackOpen" not in parsed.text
    assert "font-family" not in parsed.text
    assert "Message" not in parsed.text
    assert "<script>" in parsed.html  # the HTML is kept as sent


def test_html_nested_deeper_than_lxml_reads_still_gives_its_text():
    # Given HTML-only mail nested 1,000 deep (lxml stops at 255 and returns nothing)
    raw = (
        b"Content-Type: text/html\r\n\r\n"
        + b"<div>" * 1000
        + b"Bonjour, ma commande ?"
        + b"</div>" * 1000
    )

    parsed = parse_message(raw, RECEIVED_AT)

    assert parsed.text == "Bonjour, ma commande ?"


def test_html_with_too_many_tags_is_stripped_instead_of_rendered():
    html = "<html><head><style>p {color: red}</style></head><body>" + "<p>ligne</p>" * 6000
    raw = (
        b"Content-Type: text/html; charset=utf-8\r\n\r\n"
        + (html + "<p>Fin &amp; merci</p>").encode()
    )

    parsed = parse_message(raw, RECEIVED_AT)

    assert parsed.text.endswith("Fin & merci")
    assert "color" not in parsed.text
    assert any("too large to render" in defect for defect in parsed.defects)


def test_inline_images_keep_their_content_id():
    parsed = parse_fixture("inline_image.eml")

    assert "40 poignées de porte" in parsed.text
    assert [(a.filename, a.inline, a.content_id) for a in parsed.attachments] == [
        ("image001.png", True, "image001.png@01DB7DE2.3C4E5F60"),
        ("attachment-1.gif", True, "spacer@bonnet-menuiserie.example"),
    ]


def test_forwarded_rfc822_is_an_eml_file_and_its_files_are_listed():
    parsed = parse_fixture("forwarded_rfc822.eml")

    assert [(a.filename, a.content_type, a.container) for a in parsed.attachments] == [
        ("Confirmation de commande.eml", "message/rfc822", ""),
        ("bon_de_commande_7781.pdf", "application/pdf", "message/rfc822"),
    ]
    assert "Merci pour votre commande" not in parsed.text
    forwarded = parse_message(parsed.attachments[0].payload, RECEIVED_AT)
    assert forwarded.subject == "Confirmation de commande n° 7781"
    assert "1 480,00 €" in forwarded.text


def test_winmail_dat_files_are_unpacked():
    parsed = parse_fixture("winmail_dat.eml")

    assert [(a.filename, a.payload, a.container) for a in parsed.attachments] == [
        (name, data, "winmail.dat") for name, data in make_tnef.FILES
    ]
    assert parsed.attachments[0].content_type == "application/pdf"
    assert parsed.flags == set()


def test_winmail_dat_fixture_matches_its_generator():
    blob = make_tnef.tnef_blob(make_tnef.FILES)
    expected = make_tnef.winmail_message(blob, "Bon de commande et photos", "000601db76d3$6f1c2a10")

    assert raw_fixture("winmail_dat.eml") == expected


def test_truncated_winmail_dat_is_kept_whole_with_a_defect():
    parsed = parse_fixture("truncated_winmail_dat.eml")

    [kept] = parsed.attachments
    assert (kept.filename, kept.content_type, kept.container) == (
        "winmail.dat",
        "application/ms-tnef",
        "",
    )
    assert Flag.MIME_DEFECT in parsed.flags
    assert any("TNEF" in defect for defect in parsed.defects)


def test_rfc3834_auto_reply_with_null_return_path_is_not_a_bounce():
    parsed = parse_fixture("auto_reply_rfc3834.eml")

    assert Flag.AUTO_REPLY in parsed.flags
    assert Flag.BOUNCE not in parsed.flags


def test_out_of_office_fr_is_recognised_by_its_subject_alone():
    parsed = parse_fixture("out_of_office_fr.eml")

    assert parsed.header("Auto-Submitted") == ""
    assert Flag.AUTO_REPLY in parsed.flags


def test_out_of_office_en_from_exchange_is_an_auto_reply():
    assert Flag.AUTO_REPLY in parse_fixture("out_of_office_en.eml").flags


def test_a_customer_absent_at_delivery_is_not_an_auto_reply():
    parsed = parse_fixture("absent_at_delivery_fr.eml")

    assert parsed.subject.startswith("Absente lors de la livraison")
    assert Flag.AUTO_REPLY not in parsed.flags


@pytest.mark.parametrize(
    ("header", "automatic"),
    [
        ("Auto-Submitted: auto-generated", True),
        ("Auto-Submitted: auto-replied; owner-email=x@y.example", True),
        ("Auto-Submitted: no", False),
        ("X-Auto-Response-Suppress: All", True),
        ("X-Auto-Response-Suppress: None", False),
        ("Precedence: bulk", True),
        ("Precedence: junk", True),
        ("Precedence: auto_reply", True),
        ("X-Autoreply: yes", True),
        ("X-Autorespond: vacation", True),
    ],
)
def test_auto_reply_headers(header, automatic):
    parsed = parse_message(with_headers("thunderbird_reply_en.eml", header), RECEIVED_AT)

    assert (Flag.AUTO_REPLY in parsed.flags) is automatic


@pytest.mark.parametrize(
    ("subject", "automatic"),
    [
        ("Réponse automatique : Commande 4521", True),
        ("Absence du bureau", True),
        ("Absent du bureau jusqu'au 3 mars", True),
        ("Absent", True),
        ("RE: Absente du bureau", True),
        ("Out of Office: Order ORD-1", True),
        ("Automatic reply: Order ORD-1", True),
        ("Auto: Order ORD-1", True),
        ("Absent lors de la livraison", False),
        ("Re: Out of stock item", False),
        ("Question about automatic renewal", False),
    ],
)
def test_out_of_office_subjects(subject, automatic):
    raw = with_headers("thunderbird_reply_en.eml", f"Subject: {subject}", drop=("Subject",))

    assert (Flag.AUTO_REPLY in parse_message(raw, RECEIVED_AT).flags) is automatic


def test_dsn_bounce_is_flagged_and_its_report_parts_are_files():
    parsed = parse_fixture("dsn_bounce.eml")

    assert Flag.BOUNCE in parsed.flags
    assert "could not\nbe delivered" in parsed.text
    assert [a.content_type for a in parsed.attachments] == [
        "message/delivery-status",
        "text/rfc822-headers",
    ]
    assert b"Status: 5.1.1" in parsed.attachments[0].payload


@pytest.mark.parametrize(
    "header",
    ["Return-Path: <>", "From: postmaster@mail.example", "From: MAILER-DAEMON@mx.example"],
)
def test_bounce_senders_and_null_return_path(header):
    raw = with_headers("thunderbird_reply_en.eml", header, drop=("Return-Path", "From"))

    assert Flag.BOUNCE in parse_message(raw, RECEIVED_AT).flags


def test_mailing_list_and_a_minus_zero_date_in_utc():
    parsed = parse_fixture("mailing_list.eml")

    assert Flag.MAILING_LIST in parsed.flags
    assert Flag.AUTO_REPLY not in parsed.flags  # Precedence: list is not an auto-reply
    assert parsed.date == dt.datetime(2025, 2, 18, 6, 0, tzinfo=dt.UTC)
    assert parsed.date.utcoffset() == dt.timedelta(0)
    assert parsed.header("List-Unsubscribe").endswith(
        ", <mailto:annonces-leave@lists.fournisseurs.example>"
    )


@pytest.mark.parametrize(
    "header",
    ["List-Id: <a.lists.example>", "List-Unsubscribe: <mailto:u@x.example>", "List-Post: NO"],
)
def test_each_list_header_alone_marks_list_mail(header):
    raw = with_headers("thunderbird_reply_en.eml", header)

    assert Flag.MAILING_LIST in parse_message(raw, RECEIVED_AT).flags


def test_missing_date_uses_the_time_received():
    parsed = parse_fixture("no_date.eml")

    assert parsed.date == RECEIVED_AT
    assert Flag.DATE_MISSING in parsed.flags


def test_invalid_date_uses_the_time_received():
    parsed = parse_fixture("bad_date.eml")

    assert parsed.date == RECEIVED_AT
    assert Flag.DATE_INVALID in parsed.flags


def test_a_naive_received_time_is_taken_as_utc():
    parsed = parse_message(raw_fixture("no_date.eml"), dt.datetime(2025, 3, 1, 12, 0))

    assert parsed.date == RECEIVED_AT
    assert parsed.date.tzinfo is not None


def test_missing_message_id_is_derived_stably_from_the_raw_bytes():
    raw = raw_fixture("no_message_id.eml")

    first = parse_message(raw, RECEIVED_AT)
    again = parse_message(raw, RECEIVED_AT + dt.timedelta(days=1))

    assert first.message_id == f"{hashlib.sha256(raw).hexdigest()}@answerdesk.invalid"
    assert again.message_id == first.message_id
    assert Flag.NO_MESSAGE_ID in first.flags


def test_bare_lf_body_is_flagged_and_still_split():
    parsed = parse_fixture("bare_lf.eml")

    assert Flag.BARE_LF in parsed.flags
    assert "The bag of screws labelled “C” was missing" in parsed.text
    [csv] = parsed.attachments
    assert (csv.filename, csv.payload) == ("parts-list.csv", b"part,qty\nC,12")


def test_unterminated_multipart_keeps_what_could_be_read():
    parsed = parse_fixture("unterminated_multipart.eml")

    assert Flag.MIME_DEFECT in parsed.flags
    assert "received a beige one" in parsed.text
    [note] = parsed.attachments
    assert note.filename == "delivery-note.pdf"
    assert note.payload.startswith(b"%PDF-1.4")


def test_unknown_charset_names_fall_back_without_crashing():
    parsed = parse_fixture("unknown_charset.eml")

    assert parsed.subject == "Problème de facturation"
    assert "Vous m'avez facturé deux fois la livraison" in parsed.text
    assert "12,50 €" in parsed.text
    assert "facturé" in parsed.html
    assert Flag.CHARSET_REPAIRED in parsed.flags


def test_display_names_are_decoded_after_the_address_list_is_split():
    # Given an encoded name holding a comma ("Dupont, Jean")
    raw = with_headers(
        "thunderbird_reply_en.eml",
        "From: =?utf-8?Q?Dupont=2C_J=C3=A9r=C3=B4me?= <Jerome@Example.FR>",
        drop=("From",),
    )

    parsed = parse_message(raw, RECEIVED_AT)

    assert parsed.from_ == Address("Jerome@example.fr", "Dupont, Jérôme")


@pytest.mark.parametrize(
    ("label", "data", "expected"),
    [
        ("uft-8", "été".encode(), "été"),  # a misspelling
        ("x-user-defined", "été".encode("cp1252"), "été"),
        ("unknown-8bit", "€".encode("cp1252"), "€"),
        ("iso-8859-1", "déjà".encode(), "déjà"),  # labelled Latin-1, really UTF-8
        ("us-ascii", "reçu".encode("cp1252"), "reçu"),
        ("utf-7", b"+2D0-", "\ufffd"),  # a lone surrogate would break any later encoder
        ("base64", b"abc", "abc"),  # Python knows it, but it is not a text charset
    ],
)
def test_charset_labels_that_lie_or_are_unknown(label, data, expected):
    assert decode_declared(data, label)[0] == expected
