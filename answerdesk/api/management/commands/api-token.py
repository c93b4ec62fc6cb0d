"""`answerdesk api-token USERNAME [--name N]`: issue an API token and print its secret."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from answerdesk.api.actions import issue_token


class Command(BaseCommand):
    help = "Issue an API token for a user and print the secret (shown this once only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="what the token is for")

    def handle(self, *args: Any, **options: Any) -> None:
        User = get_user_model()
        try:
            user = User.objects.get(username=options["username"])
        except User.DoesNotExist:
            raise CommandError(f"no user {options['username']!r}") from None
        self.stdout.write(issue_token(user, options["name"]))
