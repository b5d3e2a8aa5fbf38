"""`manage.py pause --reason "..." [--lockout]`: stop new work for everyone but staff."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from access.services import site_pause


class Command(BaseCommand):
    help = "Pause the studio: running jobs are parked, queued jobs kept, new work refused."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reason", required=True, help="Shown on every page and /status.")
        parser.add_argument(
            "--lockout",
            action="store_true",
            help="Also sign out everyone but staff, and keep them out until resume.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            state = site_pause(by=None, reason=options["reason"], lockout=options["lockout"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        extra = " Everyone but staff has been signed out." if state.lockout else ""
        self.stdout.write(self.style.SUCCESS(f"Paused: {state.reason}{extra}"))
