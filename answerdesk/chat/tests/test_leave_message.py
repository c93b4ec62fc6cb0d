"""No agent online: the widget's message becomes a ticket through the contact form's path."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync

from answerdesk.chat.tests.sockets import Socket
from answerdesk.mail.models import RawMessage
from answerdesk.tickets.models import Channel, ContactAddress, Ticket


@pytest.mark.django_db(transaction=True)
def test_a_message_left_with_no_agent_online_becomes_a_chat_channel_ticket(blob_store):
    async def scenario() -> dict[str, Any]:
        visitor = Socket()
        await visitor.connect()
        welcome = await visitor.hello(language="fr")
        await visitor.send_frame(
            type="leave_message",
            name="Marie Dupont",
            email="marie@example.fr",
            subject="Livraison",
            text="Bonjour, livrez-vous en Belgique ? Et en combien de temps ?",
        )
        left = await visitor.expect("left", timeout=60)
        await visitor.disconnect()
        return locals()

    seen = async_to_sync(scenario)()
    assert seen["welcome"]["agents_online"] is False
    ticket = Ticket.objects.get()
    assert seen["left"]["reference"] == ticket.reference
    assert ticket.channel == Channel.CHAT
    assert ticket.subject == "Livraison"
    assert ticket.contact_id == ContactAddress.objects.get(email="marie@example.fr").contact_id
    message = ticket.messages.get(direction="inbound")
    assert "Belgique" in message.text
    assert message.asks, "read like any mail"
    assert RawMessage.objects.count() == 1  # stored raw first, as the form's messages are
