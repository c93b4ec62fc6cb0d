"""What one line of a reply is: quote, delimiter, device signature, attribution or header."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum, StrEnum

# Every pattern is compiled once, at import, and is anchored or bounded ({m,n}), so no
# input can make a match backtrack for long. line_kind() runs on every line of every
# ingested message, so cheap string tests come first and most lines never reach a regex.


class Kind(StrEnum):
    """What a line is. One-character values, so the kinds of a run of lines read as a string."""

    BLANK = "e"
    TEXT = "t"
    QUOTE = "q"  # '>' (RFC 3676 §4.5), '|' or supercite "Name>"
    DELIMITER = "d"  # "-- ", "_____", "*****"
    SIGNATURE = "s"  # "Sent from my iPhone", "Envoyé de mon iPhone"
    ATTRIBUTION = "b"  # "On ... wrote:", "-----Original Message-----"
    HEADER = "h"  # "From: ...", "Objet : ..." (a block of them is a quoted message)


class HeaderRole(Enum):
    """What a line of a quoted header block (Outlook, forwards) names."""

    SENDER = "sender"
    DATE = "date"
    RECIPIENT = "recipient"
    SUBJECT = "subject"


def line_kind(stripped: str) -> Kind:
    """The kind of a non-blank line on its own; `stripped` is the line without surrounding
    whitespace.

    Never HEADER or BLANK: a "Label: value" line (see header_role) is a header only in a
    block of them, and an attribution may be wrapped over several lines, so both depend on
    the neighbours.
    """
    first = stripped[0]
    if first == ">" or ((first == "|" or stripped.find(">", 1, 13) > 0) and _is_quote(stripped)):
        return Kind.QUOTE
    if first in _DELIMITER_CHARS and _DELIMITER.fullmatch(stripped) is not None:
        return Kind.DELIMITER
    if (stripped[:2].lower() in _SIGNATURE_OPENINGS or "obile" in stripped) and _is_signature(
        stripped
    ):
        return Kind.SIGNATURE
    if _may_end_attribution(stripped) and is_attribution(attribution_candidate(stripped)):
        return Kind.ATTRIBUTION
    return Kind.TEXT


# --- quote markers ---------------------------------------------------------------------------

# Some webmails quote with '|', Emacs supercite with a short name before the '>'
# ("Richard> ...", "C>").
_SUPERCITE = re.compile(r"[A-Za-z][\w.-]{0,11}>(?=[ \t]|$)")
_QUOTE_PREFIX = re.compile(r"(?:[ \t]*(?:>|\|(?=[ \t]|$)|[A-Za-z][\w.-]{0,11}>(?=[ \t]|$)))+")


def _is_quote(stripped: str) -> bool:
    if stripped[0] == "|":
        # A Markdown table row ends with '|'; a '|'-quoted line does not.
        return len(stripped) == 1 or (stripped[1] in " \t" and not stripped.endswith("|"))
    return _SUPERCITE.match(stripped) is not None


def unquote(line: str) -> str:
    """The line without the quote markers in front of it."""
    match = _QUOTE_PREFIX.match(line)
    return line[match.end() :] if match else line


# --- delimiters ------------------------------------------------------------------------------

# "-- " is the Usenet signature separator (RFC 3676 §4.3); runs of rule characters are what
# clients put above a signature or above the quoted message (Outlook's "_____"). U+1427 is
# the invisible marker Gmail adds under a message. Other two-character runs are too likely
# to be text ("==", "**").
_DELIMITER = re.compile(r"--|\u1427+|[-_=+~#*\u2014\u2013]{3,}")
_DELIMITER_CHARS = frozenset("-_=+~#*\u2014\u2013\u1427")


# --- device signatures -----------------------------------------------------------------------

# A short device or app name: at most six words and no sentence punctuation, which keeps
# "Sent from my iPhone" and rejects "Sent from my office, the form failed again". Words
# are split on single spaces only, which a word cannot contain: with '-' both in words and
# between them, "Sent from my a-a-a-...!" took seconds to fail.
_NAME = r"[^\s,.;:!?()<>]+(?: [^\s,.;:!?()<>]+){0,5}"
_EXCUSE = r"(?:[,.]?\s*(?:please\s+)?(?:excuse|pardon|forgive)[^\n]{0,60})?"

_SIGNATURE = re.compile(
    "|".join(
        f"(?:{p})"
        for p in (
            # English
            rf"[(<]*sent (?:from|via|with|by|using) (?:my |a |an |the )?{_NAME}\.?[)>]*{_EXCUSE}",
            r"\S+ from (?:my )?mobile",
            r"from my (?:iphone|ipad|ipod|android|mobile|phone|smartphone|samsung|galaxy"
            r"|blackberry|pixel|huawei|xiaomi)[\w .-]{0,20}",
            r"get (?:the )?outlook (?:app )?for (?:ios|android)[^\n]{0,80}",
            # French
            rf"envoy[ée] (?:de|depuis|à partir de|a partir de|avec|via) (?:mon |ma |mes |l['’]"
            rf"|(?=(?:yahoo|outlook|courrier|mail|gmail|orange|free|sfr|laposte)\b)){_NAME}\.?",
            r"(?:obtenir|obtenez|télécharger|telecharger) outlook pour (?:ios|android)[^\n]{0,80}",
            # German
            rf"von meinem {_NAME} gesendet\.?",
            r"diese nachricht wurde von [^\n]{1,80} gesendet\.?",
            rf"gesendet (?:von|mit) (?:meinem |der )?{_NAME}",
            # Italian, Spanish, Portuguese
            rf"inviato da(?:l mio)? {_NAME}",
            rf"enviado (?:desde mi|do meu|de mi|a partir do meu) {_NAME}",
            # Dutch, Norwegian, Danish, Swedish
            rf"(?:verzonden|verstuurd) (?:met|vanaf|van) (?:mijn )?{_NAME}",
            rf"(?:sendt|skickat|sänt) (?:fra|från) (?:min|mi) {_NAME}",
            rf"från min {_NAME}",
            # Chinese
            r"(?:從我的|从我的|发自我的|寄自我的) ?\S{1,30}(?: ?(?:傳送|发送|送出))?",
        )
    ),
    re.IGNORECASE,
)
# The first two characters the patterns above can start with: most lines stop there.
_SIGNATURE_OPENINGS = frozenset(
    (
        "se", "en", "vo", "di", "ge", "ob", "té", "te", "in", "ve", "sk", "sä", "fr",
        "(s", "<s", "<<", "((", "從我", "从我", "发自", "寄自",
    )
)  # fmt: skip
_MARKDOWN_LINK = re.compile(r"\[([^\]\n]{0,200})\]\([^)\s]{0,500}\)")
_URL = re.compile(r"<?(?:https?://|mailto:|www\.)[^\s<>]{0,500}>?")


def _is_signature(stripped: str) -> bool:
    if len(stripped) > 200:
        return False
    # Mobile clients link the app name: "Get [Outlook for Android](https://aka.ms/...)",
    # "Sent from Outlook Mobile<https://...>".
    if "[" in stripped or "http" in stripped or "<" in stripped or "www." in stripped:
        stripped = _URL.sub("", _MARKDOWN_LINK.sub(r"\1", stripped)).strip()
    return len(stripped) <= 100 and _SIGNATURE.fullmatch(stripped) is not None


# --- attribution and forward lines -------------------------------------------------------------

_EMAIL = r"[^<>@\s]+@[^<>\s]+"
_FORWARD_TITLES = (
    r"forwarded message|original message|reply message|forwarded e-?mail"
    r"|message transféré|message d['’]origine|message original|mail original|mail transféré"
    r"|courriel original|courriel transféré"
    r"|ursprüngliche nachricht|weitergeleitete nachricht|originalnachricht"
    r"|mensaje original|mensaje reenviado|messaggio originale|messaggio inoltrato"
    r"|oorspronkelijk bericht|doorgestuurd bericht|originalmeddelande"
    r"|vidarebefordrat meddelande|opprinnelig melding|videresendt melding"
    r"|mensagem original|mensagem encaminhada|wiadomość oryginalna"
    r"|исходное сообщение|пересылаемое сообщение|原始邮件|转发的邮件"
)


@dataclass(frozen=True, slots=True)
class _Rule:
    """One attribution shape, tried only when the line holds one of its keywords."""

    keywords: tuple[str, ...]  # lower case
    pattern: re.Pattern[str]
    colon: bool  # the shape ends with a colon
    # Date-led shapes need a time or a year, which every client writes and which "On the
    # other hand, she wrote:" does not.
    dated: bool
    needs_address: bool


def _rule(
    keywords: tuple[str, ...],
    pattern: str,
    *,
    colon: bool = False,
    dated: bool = False,
    needs_address: bool = False,
) -> _Rule:
    return _Rule(keywords, re.compile(pattern, re.IGNORECASE), colon, dated, needs_address)


# Greedy runs before the verb: the verb ends the line, so backtracking from the end finds
# it in a few steps where a lazy run would test every position.
_RULES = (
    # "-----Original Message-----", "---------- Forwarded message ---------"
    _rule(("--",), rf"[>*\s]*-{{2,}}\s*(?:{_FORWARD_TITLES})\s*-{{2,}}[*\s]*"),
    _rule(
        ("forward", "transféré", "weitergeleitet", "reenviado"),
        r"(?:begin forwarded message|début du message transféré"
        r"|beginn der weitergeleiteten nachricht|inicio del mensaje reenviado)\s*:",
        colon=True,
    ),
    # English: "On Mon, Feb 3, 2025 at 10:12 AM John <j@x.com> wrote:" (Gmail, Apple,
    # Thunderbird; Zoho wraps it in "----"); "At 6/16/2016 08:32 PM, you wrote:"
    _rule(
        ("wrote", "writes"),
        r"-*\s*(?-i:On|At)\s[^\n]{4,300}\b(?:wrote|writes)\s*:?\s*-*",
        dated=True,
    ),
    _rule(("writes",), r"(?-i:In message)\s[^\n]{1,300}\bwrites\s*:?"),
    # "Some One <foo@bar.com> wrote:", "Gavin Sinclair (gs@soyabean.com.au) wrote:"
    _rule(("wrote",), r"[^\n]{1,300}\bwrote\s*:?", needs_address=True),
    # "codinghorror via Discourse Meta <info@discourse.org> schrieb:" (lists, forums)
    _rule(
        (" via ",),
        r"\S+(?: \S+){0,3} via (?-i:[A-Z])\S*(?: \S+){0,5} (?:wrote|schrieb)\s*:?",
    ),
    # Gmail in German: "Max <max@x.de> schrieb am Fr., 28. Apr. 2017 um 11:53 Uhr:"
    _rule(
        ("wrote on", "schrieb am"),
        r"[^\n]{1,200}\b(?:wrote on|schrieb am)\b[^\n]{1,200}:",
        colon=True,
        dated=True,
    ),
    _rule(("posted by",), r"posted by [^\n]{1,100} on \d{2}/\d{2}/\d{4}"),
    # French: "Le lun. 3 févr. 2025 à 10:12, Marie <m@x.fr> a écrit :" (Gmail, Apple),
    # "Le 03/02/2025 à 10:12, Marie a écrit :" (Thunderbird), "Marie <m@x.fr> a écrit :"
    _rule(("écrit",), r"(?-i:Le)\s[^\n]{4,300}\ba\s+écrit\s*:?", dated=True),
    _rule(("écrit",), r"[^\n]{1,300}\ba\s+écrit\s*:", colon=True, needs_address=True),
    # German, Dutch, Scandinavian
    _rule(
        ("schrieb", "geschrieben"),
        r"(?-i:Am)\s[^\n]{4,300}\b(?:schrieb|geschrieben)\b[^\n]{0,250}?:",
        colon=True,
        dated=True,
    ),
    _rule(
        ("geschreven", "schreef"),
        r"(?-i:Op)\s[^\n]{4,300}(?:het volgende geschreven|\bschreef\b[^\n]{0,250}?)\s*:",
        colon=True,
        dated=True,
    ),
    _rule(("skrev",), r"[^\n]{1,300}\bskrev\b[^\n]{1,250}?:", colon=True, dated=True),
    # Italian, Portuguese, Spanish, Polish
    _rule(("scritto",), r"(?-i:Il)\s[^\n]{4,300}\bha scritto\s*:?", dated=True),
    _rule(("escreveu",), r"(?-i:Em)\s[^\n]{4,300}\bescreveu\s*:?", dated=True),
    _rule(("escribió",), r"(?-i:El)\s[^\n]{4,300}\bescribió\s*:?", dated=True),
    _rule(("napisa",), r"[^\n]{1,300}\bnapisał(?:\(a\)|a)?\s*:", colon=True, dated=True),
    # Russian, Ukrainian, Chinese
    _rule(("написал",), r"[^\n]{1,300}\bнаписал(?:\(а\)|а)?\s*:", colon=True, dated=True),
    _rule(("пише",), r"[^\n]{1,300}\bпише\s*:", colon=True, dated=True),
    _rule(("写道",), r"在[^\n]{1,300}写道\s*[:：]?"),
    # Date, then author: "2016-10-24 15:36 GMT+02:00 Foo <foo@bar.com>:",
    # "2013/7/20 sam via Meta <info@discourse.org>", "2016-03-03 17:21 GMT+01:00 Foo"
    _rule(("@",), rf"[^\n]{{1,300}}?<\s*{_EMAIL}>+\s*:", colon=True, dated=True),
    _rule(("@",), rf"\d{{4}}/\d{{1,2}}/\d{{1,2}}\s[^\n]{{1,200}}?<\s*{_EMAIL}>+\s*:?"),
    _rule(("gmt",), r"\d{4}-\d{2}-\d{2} \d{1,2}:\d{2} GMT[+-]\d{1,2}:?\d{2} [\w .'-]{1,80}"),
)
_DATE_HINT = re.compile(r"\d{1,2}[:.h]\d{2}|\d{4}")
_ADDRESS = re.compile(r"@[\w-]+\.\w")

# Nearly every attribution ends with a colon, a dash run or an address. The others start
# like one and hold one of the words _may_end_attribution looks for.
_ENDINGS = frozenset(":：->*")
_UNTERMINATED_FIRST = frozenset("-OAIEPp在0123456789")

# How a date-led attribution starts, to find the first line of one the client wrapped.
_OPENER = re.compile(
    r"[ \t]*(?:-+[ \t]*)?(?:On|At|Le|Am|Op|Il|Em|El|Den|Dnia|Dňa|W dniu|In message|在)\s"
    r"|[ \t]*\d"
)

# Longest attribution, in characters, that wrapped lines are joined into.
_MAX_ATTRIBUTION = 400


def _may_end_attribution(stripped: str) -> bool:
    if stripped[-1] in _ENDINGS:
        return True
    # "On ... wrote", "Il ... ha scritto", "El ... escribió", "Posted by X on 01/21/2016",
    # "2016-03-03 17:21 GMT+01:00 Foo"
    return stripped[0] in _UNTERMINATED_FIRST and (
        "wr" in stripped
        or "scr" in stripped
        or "GMT" in stripped
        or "osted by" in stripped
        or "写道" in stripped
    )


def attribution_candidate(line: str) -> str:
    """The line as attribution rules read it."""
    # French typography puts a no-break space before the colon ("a écrit :"), and Gmail
    # since 2023 puts U+202F before "AM": both become a plain space.
    if not line.isascii():
        line = line.replace("\xa0", " ").replace("\u202f", " ")
    return line.strip()


def is_attribution(candidate: str) -> bool:
    """Whether `candidate` (see attribution_candidate) is an attribution or forward line."""
    if not candidate or len(candidate) > _MAX_ATTRIBUTION or not _may_end_attribution(candidate):
        return False
    lowered = candidate.lower()
    colon = candidate[-1] in ":："
    dated: bool | None = None
    for rule in _RULES:
        if rule.colon and not colon:
            continue
        for keyword in rule.keywords:
            if keyword in lowered:
                break
        else:
            continue
        if rule.dated:
            if dated is None:
                dated = _DATE_HINT.search(candidate) is not None
            if not dated:
                continue
        if rule.needs_address and _ADDRESS.search(candidate) is None:
            continue
        if rule.pattern.fullmatch(candidate) is not None:
            return True
    return False


def opens_attribution(line: str) -> bool:
    """Whether the line starts like a date-led attribution ("On ...", "Le ...", "2016-...")."""
    return _OPENER.match(line) is not None


# --- header blocks ---------------------------------------------------------------------------

_HEADER_LABELS: dict[HeaderRole, tuple[str, ...]] = {
    HeaderRole.SENDER: (
        "from", "de", "expéditeur", "von", "da", "van", "från", "fra", "od", "от",
        "remitente", "发件人",
    ),
    HeaderRole.DATE: (
        "sent", "date", "envoyé", "gesendet", "datum", "data", "enviado", "enviada em",
        "fecha", "skickat", "sendt", "verzonden", "verstuurd", "дата", "отправлено",
        "发送时间",
    ),
    HeaderRole.RECIPIENT: (
        "to", "cc", "bcc", "reply-to", "à", "a", "pour", "destinataire", "destinataires",
        "répondre à", "cci", "an", "para", "aan", "till", "til", "risposta", "kopie",
        "beantwoorden - aan", "do", "кому", "收件人", "抄送",
    ),
    HeaderRole.SUBJECT: (
        "subject", "objet", "sujet", "betreff", "asunto", "assunto", "oggetto",
        "onderwerp", "ämne", "emne", "temat", "тема", "主题",
    ),
}  # fmt: skip
_ROLE_OF_LABEL = {label: role for role, labels in _HEADER_LABELS.items() for label in labels}
# Outlook bolds the labels in its text part ("*From:* ..."), French puts a space before the
# colon ("De : ..."); a colon further right belongs to the text, not to a label.
_LABEL_SPAN = max(len(label) for label in _ROLE_OF_LABEL) + 8
_DIGIT = re.compile(r"\d")


def header_role(line: str) -> HeaderRole | None:
    """What the line names if it is a "Label: value" line of a quoted header block."""
    colon = line.find(":", 0, _LABEL_SPAN)
    if colon < 0:
        # Chinese clients write a full-width colon.
        if line.isascii():
            return None
        colon = line.find("：", 0, _LABEL_SPAN)
        if colon < 0:
            return None
    role = _ROLE_OF_LABEL.get(line[:colon].strip(" \t*").lower())
    if role is None:
        return None
    value = line[colon + 1 :].strip(" \t*")
    # "Date: tomorrow" in a customer's text is not a header; a real date has digits.
    if not value or (role is HeaderRole.DATE and _DIGIT.search(value) is None):
        return None
    return role
