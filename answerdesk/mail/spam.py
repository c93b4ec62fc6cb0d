"""A simple, documented spam score from headers; the text classifier comes with triage."""

from __future__ import annotations

from answerdesk.mail.parsing.parsed import Flag, ParsedMessage

# Points; a message at THRESHOLD or above is treated as spam (no acknowledgement).
THRESHOLD = 5
UPSTREAM_VERDICT = 5  # an upstream filter (SpamAssassin, rspamd) already said spam
NO_MESSAGE_ID = 2  # every real mail client sets one (RFC 5322 §3.6.4 "SHOULD")
NO_DATE = 1  # required by RFC 5322 §3.6; bulk senders sometimes omit it
MANY_RECIPIENTS = 2  # more than 20 visible recipients: a mailing, not a customer
SHOUTED_SUBJECT = 1  # a subject of 12+ letters all in capitals


def spam_score(parsed: ParsedMessage) -> int:
    score = 0
    verdict = (parsed.header("X-Spam-Flag") + " " + parsed.header("X-Spam-Status")).lower()
    if "yes" in verdict.split(",")[0].split():
        score += UPSTREAM_VERDICT
    if Flag.NO_MESSAGE_ID in parsed.flags:
        score += NO_MESSAGE_ID
    if Flag.DATE_MISSING in parsed.flags:
        score += NO_DATE
    if len(parsed.to) + len(parsed.cc) > 20:
        score += MANY_RECIPIENTS
    letters = [ch for ch in parsed.subject if ch.isalpha()]
    if len(letters) >= 12 and all(ch.isupper() for ch in letters):
        score += SHOUTED_SUBJECT
    return score
