"""`manage.py revoke EMAIL --reason "..." [--with-invitees [--dry-run]]`: cut one person
(and, with --with-invitees, everyone they invited, transitively) off at once, everywhere."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from access.management.commands._people import user_by_email
from access.services import cohort_revoke, person_revoke


class Command(BaseCommand):
    help = "Disable an account, end its sessions, revoke its API tokens and pending invitations."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="The person's email address.")
        parser.add_argument("--reason", help="Recorded in the audit log (required to revoke).")
        parser.add_argument(
            "--with-invitees",
            action="store_true",
            help="Also revoke everyone this person invited, and whom they invited, and so on.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="With --with-invitees: list who would be revoked and change nothing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["dry_run"] and not options["with_invitees"]:
            raise CommandError("--dry-run goes with --with-invitees.")
        if not options["dry_run"] and not options["reason"]:
            raise CommandError("Give --reason: it is recorded and shown.")
        user = user_by_email(options["email"])
        if options["with_invitees"]:
            self._cohort(user, options["reason"] or "", dry_run=options["dry_run"])
            return
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

    def _cohort(self, user: Any, reason: str, *, dry_run: bool) -> None:
        try:
            members = cohort_revoke(user=user, by=None, reason=reason, dry_run=dry_run)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        for member in members:
            self.stdout.write(f"{'  ' * member.depth}{member.user.email}: {member.outcome}")
        done = sum(m.outcome in ("revoked", "would be revoked") for m in members)
        verb = "would be revoked (dry run, nothing changed)" if dry_run else "revoked"
        self.stdout.write(self.style.SUCCESS(f"{done} of {len(members)} people {verb}."))
        if any(
            m.outcome not in ("revoked", "would be revoked", "already revoked") for m in members
        ):
            raise CommandError("Some people could not be revoked; see above.")
