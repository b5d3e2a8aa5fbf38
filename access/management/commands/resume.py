"""`manage.py resume`: accept work again; parked and queued jobs go back in order."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from access.services import site_resume


class Command(BaseCommand):
    help = "Resume the studio after a pause."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            site_resume(by=None)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(self.style.SUCCESS("Resumed: the studio accepts work again."))
