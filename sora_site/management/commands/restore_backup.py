"""`manage.py restore_backup SRC`: bring a backup back into an empty studio.

Named restore_backup because `manage.py restore EMAIL` gives a person back their access.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sora_site.backup import BackupError, backup_restore, counts_line


class Command(BaseCommand):
    help = "Restore a backup made by `manage.py backup` into an empty data dir and database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("src", type=Path, help="the backup folder (it holds manifest.json)")

    def handle(self, *args: Any, **options: Any) -> None:
        src = options["src"].expanduser().resolve()
        try:
            manifest = backup_restore(src=src)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        counts = counts_line(manifest["counts"])
        self.stdout.write(self.style.SUCCESS(f"Restored {src}: {counts}."))
        self.stdout.write(
            "Run `manage.py migrate` if this version is newer than the backup, "
            "then start the studio."
        )
