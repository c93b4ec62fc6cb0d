"""What the portal tests share: a form stamp old enough to pass the time trap."""

from __future__ import annotations

import time
from typing import Any

from answerdesk.portal.robots import issue_stamp


def posted(**fields: Any) -> dict[str, Any]:
    """Form data as a person would send it: the honeypot empty, the form served 10 s ago."""
    return {"website": "", "issued": issue_stamp(time.time() - 10), **fields}


CONTACT = {
    "name": "Marie Dupont",
    "email": "marie.dupont@example.fr",
    "subject": "Commande 4512",
    "message": (
        "Bonjour,\n\nJ'ai commandé une lampe Opaline le 12 novembre.\n"
        "Quand ma commande 4512 sera-t-elle livrée ?\n"
        "Et puis-je payer en trois fois ?\n\nMerci,\nMarie"
    ),
}
