"""`answerdesk nlp retrain`: learn from the agents' corrections (see learning/actions.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from answerdesk.learning.actions import retrain


class Command(BaseCommand):
    help = "Retrain the kind and ask models with the agents' corrections and use them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["retrain"])
        parser.add_argument(
            "--min-examples",
            type=int,
            default=5,
            help="corrected messages a category of your own needs to be learned (default 5)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = retrain(min_examples=options["min_examples"])
        self.stdout.write(
            f"trained {result.version}: {result.kind_examples} examples for kinds, "
            f"{result.ask_examples} for asks"
        )
        for kind, count in sorted(result.corrected.items()):
            note = " (too few: not learned yet)" if kind in result.left_out else ""
            self.stdout.write(f"  {kind}: {count} corrected messages{note}")
        self.stdout.write("new mail is read with it from now on (running workers included)")
