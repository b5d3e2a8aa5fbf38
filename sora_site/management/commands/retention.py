"""`manage.py retention [--dry-run]`: delete (or list) what is past its retention time."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from sora_site.retention import retention_plan, retention_run

SETTINGS = (
    "RETENTION_VIDEO_DAYS",
    "RETENTION_POSTER_DAYS",
    "RETENTION_PREVIEW_DAYS",
    "RETENTION_FAILED_JOB_DAYS",
    "RETENTION_AUDIT_DAYS",
)


class Command(BaseCommand):
    help = "Delete videos, posters, previews, failed jobs and audit events past their time."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="list, delete nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        kept = ", ".join(f"{name}={getattr(settings, name)}" for name in SETTINGS)
        self.stdout.write(f"Retention ({kept}; 0 keeps everything).")
        if options["dry_run"]:
            plan = retention_plan()
            for item in plan:
                self.stdout.write(f"  would delete {item.label}")
            self.stdout.write(f"{len(plan)} item(s) would be deleted; nothing was deleted.")
            return
        counts = retention_run()
        done = ", ".join(f"{n} {kind}" for kind, n in counts.items()) or "nothing"
        self.stdout.write(self.style.SUCCESS(f"Deleted {done}. Each deletion is in the audit log."))
