"""What the portal tells the pipeline about a message it wrote down for a visitor.

The contact form, the staff directory, the callback request and the chat's offline form all
turn what the visitor typed into an ordinary RFC 5322 message and hand it to the same
pipeline as mail, so each gets the same acknowledgement, understanding and routing. Two
facts cannot be said in plain mail: the channel the visitor used and the staff member they
chose to write to. They travel in one header, trusted only on messages the portal itself
stored (their source starts with PORTAL_SOURCE): the same header in mail from outside is
ignored, so nobody picks their agent or their SLA by forging it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from answerdesk.tickets.models import Channel

PORTAL_SOURCE = "portal:"
PORTAL_HEADER = "X-Answerdesk-Portal"
_PORTAL_CHANNELS = {Channel.FORM.value, Channel.CHAT.value, Channel.PHONE.value}


@dataclass(frozen=True, slots=True)
class PortalFacts:
    channel: str = Channel.EMAIL.value
    agent_id: int | None = None  # the staff member the visitor chose to write to


def portal_header(channel: str, agent_id: int | None = None) -> str:
    return json.dumps({"channel": channel, "agent": agent_id}, separators=(",", ":"))


def portal_facts(source: str, header: str) -> PortalFacts:
    """The facts in the header, if the message came from the portal; mail's defaults if not."""
    if not source.startswith(PORTAL_SOURCE) or not header:
        return PortalFacts()
    try:
        values = json.loads(header)
    except ValueError:
        return PortalFacts()
    if not isinstance(values, dict):
        return PortalFacts()
    channel = values.get("channel")
    agent = values.get("agent")
    return PortalFacts(
        channel=channel if channel in _PORTAL_CHANNELS else Channel.FORM.value,
        agent_id=agent if isinstance(agent, int) and not isinstance(agent, bool) else None,
    )
