"""`manage.py invite EMAIL [--role ROLE] [--days N] [--base-url URL]`: invite one person."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from access.roles import Role
from access.services import invitation_create, invitation_link, invitation_send

DEFAULT_BASE_URL = "http://127.0.0.1:8000"


class Command(BaseCommand):
    help = "Create an invitation, print its link and email it to the invited address."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="The address the invitation is bound to.")
        parser.add_argument("--role", choices=Role.values, default=Role.ARTIST.value)
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"Days the link stays valid (default {settings.INVITATION_DAYS}).",
        )
        parser.add_argument(
            "--base-url",
            default=None,
            help=f"Site address for the link (default SITE_URL, else {DEFAULT_BASE_URL}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        base_url = options["base_url"] or settings.SITE_URL or DEFAULT_BASE_URL
        if not base_url.startswith(("http://", "https://")):
            raise CommandError(f"--base-url must start with http:// or https://; got {base_url!r}")
        try:
            invitation, token = invitation_create(
                email=options["email"],
                role=Role(options["role"]),
                invited_by=None,  # an operator at the shell, not a signed-in person
                days=options["days"],
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        link = invitation_link(token=token, base_url=base_url)
        # Print before sending: if the mail server fails, the link is still usable.
        self.stdout.write(
            f"Invitation for {invitation.email} as {invitation.get_role_display()}, "
            f"valid until {invitation.expires_at:%Y-%m-%d %H:%M} UTC:\n{link}"
        )
        try:
            invitation_send(invitation=invitation, token=token, base_url=base_url)
        except OSError as exc:
            raise CommandError(
                f"The invitation was created but the email could not be sent ({exc}). "
                "Pass the link above on yourself."
            ) from None
        self.stdout.write(self.style.SUCCESS(f"Emailed to {invitation.email}."))
