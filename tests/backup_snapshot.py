"""What a restored studio must hold, printed the same way by the original and the copy.

Run as `python -m tests.backup_snapshot [RAW_TOKEN]` in a child process (its own
SORA_DATA_DIR and database), or called in the test process.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any


def snapshot(raw_token: str | None = None) -> dict[str, Any]:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.files.storage import default_storage

    from access.models import AuditEvent
    from generation.models import Job, Video

    def digest(name: str) -> str:
        with default_storage.open(name, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()

    data_dir = Path(settings.DATA_DIR)
    found: dict[str, Any] = {
        "accounts": sorted(get_user_model().objects.values_list("email", "password", "is_active")),
        "jobs": sorted(Job.objects.values_list("pk", "owner__email", "status", "prompt")),
        "videos": sorted(
            (v.pk, v.job_id, v.file.name, digest(str(v.file.name)), digest(str(v.poster.name)))
            for v in Video.objects.all()
        ),
        "audit": sorted(AuditEvent.objects.values_list("pk", "action", "actor_label", "target")),
        "secret_key": (data_dir / "secret_key").read_text(),
        "signing_key": (data_dir / "keys" / "c2pa.key").read_text(),
    }
    if raw_token:
        from access.services import token_authenticate

        # The token's HMAC is keyed by SECRET_KEY: it only works if the key came back too.
        found["token_user"] = token_authenticate(
            raw=raw_token, scope="read", ip="192.0.2.1", user_agent="test"
        ).user.email
    return json.loads(json.dumps(found, default=str))


if __name__ == "__main__":
    import django

    django.setup()
    print(json.dumps(snapshot(sys.argv[1] if len(sys.argv) > 1 else None)))
