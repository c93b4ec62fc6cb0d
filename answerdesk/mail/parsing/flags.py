"""Rules that tell auto-replies, bounces and list mail from mail a person wrote.

Each rule is a predicate over the top-level header fields that returns its reason, or "".
"""

from __future__ import annotations

import re

from answerdesk.mail.parsing.findings import Findings
from answerdesk.mail.parsing.parsed import Address, Flag

Fields = dict[str, str]  # lower-cased header name -> first value, not RFC 2047-decoded

# Out-of-office subjects of Outlook, Exchange, Gmail, Thunderbird and Lotus, in French and
# English (plus German Exchange, common on French desks near the border). Anchored at the
# start, and a bare "Absent" only as the whole subject or before a colon, so that
# "Absente lors de la livraison" stays a customer message.
_AUTO_REPLY_SUBJECT = re.compile(
    r"\s*(?:(?:re|tr|fw|fwd|aw)\s*:\s*)*(?:"
    r"r[ée]ponse\s+automatique|absence\s+du\s+bureau|absente?\s+du\s+bureau|absente?\s*(?::|$)"
    r"|message\s+d['’]absence|out\s+of\s+(?:the\s+)?office|automatic\s+reply|auto[-\s]?reply"
    r"|auto[-\s]?response|auto\s*:|away\s+from\s+(?:the\s+)?office|on\s+vacation\s*(?::|$)"
    r"|automatische\s+antwort|abwesenheitsnotiz)",
    re.IGNORECASE,
)
_BOUNCE_SUBJECT = re.compile(
    r"\s*(?:undeliver(?:ed|able)\b|delivery\s+status\s+notification|mail\s+delivery\s+failed"
    r"|returned\s+mail\s*:|failure\s+notice|non\s+remis\s*:|message\s+non\s+d[ée]livr[ée])",
    re.IGNORECASE,
)
_BOUNCE_SENDERS = frozenset({"mailer-daemon", "postmaster"})
_AUTOREPLY_HEADERS = ("x-autoreply", "x-autorespond", "x-autoreply-from", "x-mail-autoreply")
_NEGATIVE = frozenset({"", "no", "false", "0", "none"})
_REPORT_TYPE = re.compile(r"report-type\s*=\s*\"?([\w-]+)", re.IGNORECASE)


def _first_token(value: str) -> str:
    return value.split(";", 1)[0].split("(", 1)[0].strip().lower()


def auto_reply_reason(fields: Fields, subject: str) -> str:
    auto_submitted = _first_token(fields.get("auto-submitted", ""))
    if auto_submitted not in _NEGATIVE:  # RFC 3834 §5: anything but "no" is automatic
        return f"Auto-Submitted: {auto_submitted}"
    # Exchange asks for no automatic answer to this message (MS-OXCMAIL §2.2.3.2.20).
    if _first_token(fields.get("x-auto-response-suppress", "")) not in _NEGATIVE:
        return "X-Auto-Response-Suppress"
    precedence = _first_token(fields.get("precedence", ""))
    if precedence in ("auto_reply", "bulk", "junk"):  # RFC 3834 §3.1.8 lists these
        return f"Precedence: {precedence}"
    for name in _AUTOREPLY_HEADERS:
        if _first_token(fields.get(name, "")) not in _NEGATIVE:
            return name
    report = _REPORT_TYPE.search(fields.get("content-type", ""))
    if report and report.group(1).lower() == "disposition-notification":  # RFC 8098 receipt
        return "read receipt"
    if _AUTO_REPLY_SUBJECT.match(subject):
        return "out-of-office subject"
    return ""


def bounce_reason(fields: Fields, subject: str, sender: Address | None, auto_reply: bool) -> str:
    report = _REPORT_TYPE.search(fields.get("content-type", ""))
    if report and report.group(1).lower() == "delivery-status":  # RFC 3464 DSN
        return "delivery status notification"
    # RFC 5321 §4.5.5: notifications are sent with a null reverse-path, "<>". So are
    # auto-replies (RFC 3834 §3.3), which the rules above already recognised.
    if not auto_reply and fields.get("return-path", "x").replace(" ", "") == "<>":
        return "null Return-Path"
    if "x-failed-recipients" in fields:  # Exim's bounces
        return "X-Failed-Recipients"
    if sender is not None and sender.email.split("@", 1)[0].lower() in _BOUNCE_SENDERS:
        return f"sent by {sender.email}"
    if _BOUNCE_SUBJECT.match(subject):
        return "non-delivery subject"
    return ""


def mailing_list_reason(fields: Fields) -> str:
    for name in ("list-id", "list-unsubscribe", "list-post"):  # RFC 2919, RFC 2369
        if name in fields:
            return name
    if _first_token(fields.get("precedence", "")) == "list":
        return "Precedence: list"
    return ""


def apply_flags(fields: Fields, subject: str, sender: Address | None, findings: Findings) -> None:
    """Set the classification flags; no defect note, since none of these is a repair."""
    auto_reply = bool(auto_reply_reason(fields, subject))
    if auto_reply:
        findings.note(Flag.AUTO_REPLY, "")
    if bounce_reason(fields, subject, sender, auto_reply):
        findings.note(Flag.BOUNCE, "")
    if mailing_list_reason(fields):
        findings.note(Flag.MAILING_LIST, "")
