"""`manage.py restore EMAIL`: give a revoked person their account back."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from access.management.commands._people import user_by_email
from access.services import person_restore


class Command(BaseCommand):
    help = "Re-enable a revoked account. Ended sessions, tokens and invitations stay ended."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="The person's email address.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = user_by_email(options["email"])
        try:
            person_restore(user=user, by=None)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {user.email}. They sign in again and create new API tokens."
            )
        )
