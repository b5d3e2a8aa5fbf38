"""`manage.py trace FILE [--json]`: which job and account made this video or poster."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from generation.provenance.trace import file_trace


class Command(BaseCommand):
    help = (
        "Trace a video or image back to the job and account that made it: the C2PA "
        "manifest when intact, otherwise the invisible watermark. Audited."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="An MP4, WebM, JPEG or PNG file.")
        parser.add_argument(
            "--json", action="store_true", help="End with one line of JSON (for scripts)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path} is not a readable file.")
        # by=None: an operator at the shell, not a signed-in person (as `revoke`).
        trace = file_trace(path=path, name=str(path), by=None)
        answer = trace.as_json()
        if trace.job is None:
            self.stdout.write(f"Not traced: {trace.note}.")
        else:
            self.stdout.write(
                f"Job {answer['job']} by {answer['user']}, created {answer['created_at']}; "
                f"method {answer['method']}, confidence {answer['confidence']:.3f} ({trace.note})."
            )
        if options["json"]:
            self.stdout.write(json.dumps(answer))
        if trace.job is None:
            self.stdout.flush()
            sys.exit(1)
