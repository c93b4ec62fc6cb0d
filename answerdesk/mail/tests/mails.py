"""Build small RFC 5322 messages for pipeline tests (fixtures on disk cover real clients)."""

from __future__ import annotations


def make_mail(
    *,
    message_id: str | None,
    subject: str = "Commande 4512 non reçue",
    sender: str = "Marie Dupont <marie.dupont@example.fr>",
    to: str = "support@answerdesk.test",
    body: str = "Bonjour,\r\nma commande n'est pas arrivée. Pouvez-vous vérifier ?\r\nMarie\r\n",
    in_reply_to: str | None = None,
    references: str | None = None,
    extra_headers: str = "",
    date: str = "Mon, 16 Nov 2026 09:30:00 +0100",
) -> bytes:
    lines = [f"From: {sender}", f"To: {to}", f"Subject: {subject}", f"Date: {date}"]
    if message_id is not None:
        lines.append(f"Message-ID: <{message_id}>")
    if in_reply_to:
        lines.append(f"In-Reply-To: <{in_reply_to}>")
    if references:
        lines.append(f"References: {references}")
    lines += ["MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8"]
    lines.append("Content-Transfer-Encoding: 8bit")
    head = "\r\n".join(lines) + "\r\n" + extra_headers
    return (head + "\r\n" + body).encode()
