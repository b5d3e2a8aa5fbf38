"""The one, audited exception to the append-only audit log: pruning old events.

Only `audit_prune` deletes audit events, and only when RETENTION_AUDIT_DAYS asks
for it (at least 30 days; 0, the default, keeps everything). It first appends an
`audit.prune` event that names the cut-off, how many events went, the first and
last id, and a SHA-256 over the deleted rows (in id order, as JSON lines), so an
export taken before can prove exactly what was removed. `audit.prune` events are
never pruned themselves: the record of every deletion stays.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.db.models import QuerySet

from access.audit import audit_record
from access.models import AuditEvent

PRUNE_ACTION = "audit.prune"
MINIMUM_DAYS = 30


def audit_events_expired(*, before: datetime) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(created_at__lt=before).exclude(action=PRUNE_ACTION)


def _row_line(row: dict[str, object]) -> str:
    return json.dumps(row, sort_keys=True, default=str, separators=(",", ":"))


def audit_prune(*, before: datetime, days: int) -> int:
    """Delete audit events older than `before`, recording the deletion first."""
    if days < MINIMUM_DAYS:
        raise ValidationError(
            f"Audit events are kept at least {MINIMUM_DAYS} days; got {days}", code="days"
        )
    with transaction.atomic():
        rows = audit_events_expired(before=before).order_by("pk")
        fields = ("id", "created_at", "action", "actor_label", "target", "ip", "details")
        digest = hashlib.sha256()
        ids = []
        for row in rows.values(*fields).iterator():
            digest.update((_row_line(row) + "\n").encode())
            ids.append(row["id"])
        if not ids:
            return 0
        audit_record(
            action=PRUNE_ACTION,
            target=f"before {before.isoformat()}",
            details={
                "count": len(ids),
                "first_id": ids[0],
                "last_id": ids[-1],
                "sha256": digest.hexdigest(),
                "kept_days": days,
            },
        )
        # The queryset's delete() refuses (append-only); _raw_delete is the SQL DELETE
        # underneath, used here and nowhere else. Nothing references audit events.
        doomed = audit_events_expired(before=before).filter(pk__lte=ids[-1])
        return int(doomed._raw_delete(router.db_for_write(AuditEvent)))
