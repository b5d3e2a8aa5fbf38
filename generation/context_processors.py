"""Every signed-in page: the person's own queue, for the header badge."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from generation.models import ACTIVE_STATUSES, Job, JobStatus

WAITING_STATUSES = frozenset({JobStatus.SCREENING, JobStatus.QUEUED, JobStatus.PAUSED})


def _queue_of(user_id: int) -> dict[str, Any]:
    active = dict(
        Job.objects.filter(owner_id=user_id, status__in=ACTIVE_STATUSES).values_list("pk", "status")
    )
    running = sum(1 for status in active.values() if status == JobStatus.RUNNING)
    queued = sum(1 for status in active.values() if status in WAITING_STATUSES)
    parts = [f"{running} running"] * bool(running) + [f"{queued} queued"] * bool(queued)
    # live.js keeps the badge current from the websocket, starting from these jobs.
    return {"label": ", ".join(parts), "active_json": json.dumps(active)}


def queue(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Lazy: one query, and only on pages that draw the header.
    return {"my_queue": SimpleLazyObject(lambda: _queue_of(user.pk))}
