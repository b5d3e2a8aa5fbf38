"""The Job state machine. Every transition is ONE conditional UPDATE.

`job_move` only changes a job that is still in one of the expected states, so a
cancel racing a claim, or two workers claiming the same job, can never both win.
The winner announces the new state to the owner's open pages.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from generation.models import Job, JobStatus
from generation.progress import job_broadcast
from generation.timing import phase

S = JobStatus
ALLOWED: dict[str, frozenset[str]] = {
    S.SCREENING: frozenset({S.QUEUED, S.HELD, S.REJECTED, S.CANCELLED, S.FAILED}),
    S.HELD: frozenset({S.QUEUED, S.REJECTED, S.CANCELLED}),
    S.QUEUED: frozenset({S.RUNNING, S.CANCELLED, S.PAUSED, S.FAILED}),
    S.RUNNING: frozenset({S.SUCCEEDED, S.FAILED, S.CANCELLED, S.PAUSED, S.QUEUED}),
    S.PAUSED: frozenset({S.QUEUED, S.CANCELLED}),
    S.SUCCEEDED: frozenset(),
    S.FAILED: frozenset(),
    S.REJECTED: frozenset({S.QUEUED}),  # a moderator granted the artist's appeal
    S.CANCELLED: frozenset(),
}
FINISHED = frozenset({S.SUCCEEDED, S.FAILED, S.REJECTED, S.CANCELLED})


class IllegalTransition(ValueError):
    pass


def sources_for(target: str, allowed_from: set[str] | frozenset[str] | None = None) -> list[str]:
    """States a job may move to `target` from (optionally narrowed by the caller)."""
    sources = [state for state, targets in ALLOWED.items() if target in targets]
    if allowed_from is not None:
        illegal = set(allowed_from) - set(sources)
        if illegal:
            raise IllegalTransition(f"no transition from {sorted(illegal)} to {target}")
        sources = [s for s in sources if s in allowed_from]
    return sources


def _timestamp_fields(target: str) -> dict[str, Any]:
    now = timezone.now()
    fields: dict[str, Any] = {"status_changed_at": now}
    if target == S.QUEUED:
        # Keep the first queue time: re-queued and resumed jobs keep their place.
        fields["queued_at"] = Coalesce(F("queued_at"), now)
    elif target == S.RUNNING:
        fields["started_at"] = now
    elif target in FINISHED:
        fields["finished_at"] = now
    if target != S.RUNNING:
        fields.update(lease_owner="", lease_expires_at=None)
    return fields


def job_move(
    *,
    job_id: int,
    to: str,
    allowed_from: set[str] | frozenset[str] | None = None,
    where: dict[str, Any] | None = None,
    conditions: tuple[Any, ...] = (),
    **fields: Any,
) -> bool:
    """Move a job to `to` if it is in an allowed source state (and matches `where`,
    e.g. still leased by this worker, and any extra `conditions`). Returns whether it moved."""
    sources = sources_for(to, allowed_from)
    updates = {**_timestamp_fields(to), **fields, "status": to}
    matching = Job.objects.filter(*conditions, pk=job_id, status__in=sources, **(where or {}))
    with phase("database writes"):
        moved = matching.update(**updates) == 1
    if moved:
        transaction.on_commit(lambda: job_broadcast(job_id=job_id))
    return moved
