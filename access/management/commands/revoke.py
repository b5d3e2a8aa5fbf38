"""`manage.py revoke EMAIL --reason "..."`: cut one person off at once, everywhere."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from access.management.commands._people import user_by_email
from access.services import person_revoke


class Command(BaseCommand):
    help = "Disable an account, end its sessions, revoke its API tokens and pending invitations."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="The person's email address.")
        parser.add_argument("--reason", required=True, help="Recorded in the audit log.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = user_by_email(options["email"])
        try:
            # by=None: an operator at the shell, not a signed-in person.
            result = person_revoke(user=user, by=None, reason=options["reason"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Revoked {user.email}: {result.sessions_ended} session(s) ended, "
                f"{result.tokens_revoked} API token(s) and {result.invitations_revoked} "
                "pending invitation(s) revoked; their jobs are being cancelled."
            )
        )
