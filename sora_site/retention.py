"""Retention: delete what is past its time (RETENTION_* settings), audited, daily.

The schedule (a django-q2 Schedule, created by sora_site's migration 0001) runs
`retention_run` once a day; `manage.py retention --dry-run` lists what would go.
Every setting defaults to 0: keep everything.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.utils import timezone

from access import retention as audit_retention
from generation import retention


@dataclass
class Item:
    kind: str  # "video", "poster", "preview", "failed job", "audit events"
    label: str
    delete: Callable[[], object] = field(repr=False)


def _cutoff(days: int, now: datetime) -> datetime | None:
    return now - timedelta(days=days) if days > 0 else None


def _items(
    kind: str,
    rows: Iterable[Any],
    label: str,
    delete: Callable[..., object],
    *,
    row_as: str,
    **arguments: Any,
) -> list[Item]:
    """One item per row: `label` is formatted with the row ("{row.pk}"), and `delete`
    is called later with the row as its keyword `row_as`, and `arguments`."""
    return [
        Item(kind, label.format(row=row), partial(delete, **{row_as: row}, **arguments))
        for row in rows
    ]


def retention_plan(*, now: datetime | None = None) -> list[Item]:
    """Everything retention would delete now, in the order it deletes it."""
    now = now or timezone.now()
    items: list[Item] = []
    doomed: set[int] = set()  # videos that go whole: their poster needs no item of its own
    video_days = settings.RETENTION_VIDEO_DAYS
    if before := _cutoff(video_days, now):
        videos = list(retention.videos_expired(before=before).select_related("owner"))
        doomed.update(video.pk for video in videos)
        items += _items(
            "video",
            videos,
            "video {row.pk} of {row.owner.email}, made {row.created_at:%Y-%m-%d}",
            retention.video_delete,
            row_as="video",
            days=video_days,
        )
    for name in retention.video_file_fields():
        days = getattr(settings, retention.FILE_RETENTION[name])
        if before := _cutoff(days, now):
            files = retention.video_files_expired(field=name, before=before)
            items += _items(
                name,
                [video for video in files if video.pk not in doomed],
                name + " of video {row.pk}, made {row.created_at:%Y-%m-%d}",
                retention.video_file_delete,
                row_as="video",
                field=name,
                days=days,
            )
    job_kinds = (
        (
            "preview",
            settings.RETENTION_PREVIEW_DAYS,
            retention.previews_expired,
            "step preview of job {row.pk}, ended {row.finished_at:%Y-%m-%d}",
            retention.preview_delete,
        ),
        (
            "failed job",
            settings.RETENTION_FAILED_JOB_DAYS,
            retention.failed_jobs_expired,
            "failed job {row.pk}, ended {row.finished_at:%Y-%m-%d}",
            retention.failed_job_delete,
        ),
    )
    for kind, days, expired, label, delete in job_kinds:
        if before := _cutoff(days, now):
            items += _items(kind, expired(before=before), label, delete, row_as="job", days=days)
    audit_days = settings.RETENTION_AUDIT_DAYS
    if before := _cutoff(audit_days, now):
        count = audit_retention.audit_events_expired(before=before).count()
        if count:
            items.append(
                Item(
                    "audit events",
                    f"{count} audit event(s) before {before:%Y-%m-%d %H:%M} UTC",
                    partial(audit_retention.audit_prune, before=before, days=audit_days),
                )
            )
    return items


def retention_run() -> dict[str, int]:
    """The scheduled task: delete every planned item; one failure does not stop the rest."""
    log = logging.getLogger(__name__)
    counts: dict[str, int] = {}
    for item in retention_plan():
        try:
            item.delete()
        except Exception:
            log.exception("Retention could not delete %s; it is tried again tomorrow", item.label)
            counts["errors"] = counts.get("errors", 0) + 1
            continue
        counts[item.kind] = counts.get(item.kind, 0) + 1
    return counts
