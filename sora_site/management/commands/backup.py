"""`manage.py backup DEST`: database, media and key files, with a manifest of checksums."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sora_site.backup import BackupError, backup_create, counts_line


class Command(BaseCommand):
    help = "Back up the whole studio (database, media, key files) into a new folder DEST."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dest", type=Path, help="a folder that does not exist yet, or is empty")

    def handle(self, *args: Any, **options: Any) -> None:
        dest = options["dest"].expanduser().resolve()
        try:
            manifest = backup_create(dest=dest)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        counts = counts_line(manifest["counts"])
        self.stdout.write(self.style.SUCCESS(f"Backed up to {dest}: {counts}."))
        files = len(manifest["files"])
        self.stdout.write(f"{files} files, each with its SHA-256 in manifest.json.")
        if not manifest["secret_key_in_backup"]:
            self.stdout.write(
                self.style.WARNING(
                    "SECRET_KEY comes from the environment, so it is not in this backup: keep "
                    "it with your secrets. API tokens and sessions need the same key to work."
                )
            )
