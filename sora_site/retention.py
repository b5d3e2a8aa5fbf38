"""Retention: delete what is past its time (RETENTION_* settings), audited, daily.

The schedule (a django-q2 Schedule, created by sora_site's migration 0001) runs
`retention_run` once a day; `manage.py retention --dry-run` lists what would go.
Every setting defaults to 0: keep everything.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

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


def retention_plan(*, now: datetime | None = None) -> list[Item]:
    """Everything retention would delete now, in the order it deletes it."""
    now = now or timezone.now()
    items: list[Item] = []
    doomed: set[int] = set()  # videos that go whole: their poster needs no item of its own
    video_days = settings.RETENTION_VIDEO_DAYS
    if before := _cutoff(video_days, now):
        for video in retention.videos_expired(before=before).select_related("owner"):
            doomed.add(video.pk)
            items.append(
                Item(
                    "video",
                    f"video {video.pk} of {video.owner.email}, made {video.created_at:%Y-%m-%d}",
                    partial(retention.video_delete, video=video, days=video_days),
                )
            )
    for name in retention.video_file_fields():
        days = getattr(settings, retention.FILE_RETENTION[name])
        if before := _cutoff(days, now):
            for video in retention.video_files_expired(field=name, before=before):
                if video.pk in doomed:
                    continue
                items.append(
                    Item(
                        name,
                        f"{name} of video {video.pk}, made {video.created_at:%Y-%m-%d}",
                        partial(retention.video_file_delete, video=video, field=name, days=days),
                    )
                )
    preview_days = settings.RETENTION_PREVIEW_DAYS
    if before := _cutoff(preview_days, now):
        for job in retention.previews_expired(before=before):
            items.append(
                Item(
                    "preview",
                    f"step preview of job {job.pk}, ended {job.finished_at:%Y-%m-%d}",
                    partial(retention.preview_delete, job=job, days=preview_days),
                )
            )
    job_days = settings.RETENTION_FAILED_JOB_DAYS
    if before := _cutoff(job_days, now):
        for job in retention.failed_jobs_expired(before=before):
            items.append(
                Item(
                    "failed job",
                    f"failed job {job.pk}, ended {job.finished_at:%Y-%m-%d}",
                    partial(retention.failed_job_delete, job=job, days=job_days),
                )
            )
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
