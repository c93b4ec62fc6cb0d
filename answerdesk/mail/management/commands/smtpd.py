"""`answerdesk smtpd`: receive mail over SMTP or LMTP (an MTA delivers to it)."""

from __future__ import annotations

import asyncio
from typing import Any

from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP
from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from answerdesk.mail.actions import do_accept
from answerdesk.mail.models import SupportAddress
from answerdesk.mail.smtp_listener import IntakeHandler


def _store(data: bytes, source: str) -> None:
    # One commit (SQLite synchronous=FULL, or PostgreSQL's own) puts the bytes on disk
    # before the listener answers 250.
    do_accept([(source, data)])


def _is_ours(address: str) -> bool:
    return SupportAddress.objects.filter(email=address, active=True).exists()


class Command(BaseCommand):
    help = "Receive mail over SMTP (or LMTP with --lmtp) for the configured support addresses."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8025)
        parser.add_argument("--lmtp", action="store_true", help="speak LMTP (RFC 2033)")

    def handle(self, *args: Any, **options: Any) -> None:
        asyncio.run(self.serve(options["host"], options["port"], options["lmtp"]))

    async def serve(self, host: str, port: int, lmtp: bool) -> None:
        handler = IntakeHandler(sync_to_async(_store), sync_to_async(_is_ours), lmtp=lmtp)
        protocol = LMTP if lmtp else SMTP
        loop = asyncio.get_running_loop()
        server = await loop.create_server(
            lambda: protocol(
                handler,
                data_size_limit=settings.ANSWERDESK_MAX_MESSAGE_BYTES,
                enable_SMTPUTF8=True,
                ident="answerdesk",
            ),
            host,
            port,
        )
        self.stdout.write(f"{'LMTP' if lmtp else 'SMTP'} listening on {host}:{port}")
        self.stdout.flush()
        async with server:
            await server.serve_forever()
