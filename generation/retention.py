"""What generation keeps for how long (RETENTION_* settings), and deleting it.

Every deletion is audited, and nothing a moderator still has to look at (an open
report on the video, a held screening of its job) is ever touched.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import QuerySet, Sum

from access.audit import audit_record
from generation.models import JOB_SUBJECT, VIDEO_SUBJECT, Job, JobStatus, Video
from generation.previews import preview_name
from moderation.selectors import subjects_under_review

# File fields of a Video with their own retention setting (besides the video itself).
# Step previews belong to the job, not the video: see previews_expired.
FILE_RETENTION = {"poster": "RETENTION_POSTER_DAYS"}


def _protected_videos(videos: QuerySet[Video]) -> QuerySet[Video]:
    return videos.exclude(pk__in=subjects_under_review(subject_type=VIDEO_SUBJECT)).exclude(
        job_id__in=subjects_under_review(subject_type=JOB_SUBJECT)
    )


def videos_expired(*, before: datetime) -> QuerySet[Video]:
    """Videos made before `before`, except those under review."""
    return _protected_videos(Video.objects.filter(created_at__lt=before)).order_by("created_at")


def video_files_expired(*, field: str, before: datetime) -> QuerySet[Video]:
    """Videos made before `before` that still hold a `field` file (poster, preview)."""
    rows = Video.objects.filter(created_at__lt=before).exclude(**{field: ""})
    return _protected_videos(rows).order_by("created_at")


def previews_expired(*, before: datetime) -> QuerySet[Job]:
    """Jobs that ended before `before` and still keep a step preview, except those
    under review (a moderator may want to see how a held job was going)."""
    held = subjects_under_review(subject_type=JOB_SUBJECT)
    rows = Job.objects.filter(preview_step__isnull=False, finished_at__lt=before)
    return rows.exclude(pk__in=held).order_by("finished_at")


def preview_delete(*, job: Job, days: int) -> None:
    name = preview_name(job.pk)
    with transaction.atomic():
        audit_record(
            action="retention.preview_delete",
            target=f"job:{job.pk}",
            details={"owner": job.owner_id, "file": name, "kept_days": days},
        )
        Job.objects.filter(pk=job.pk).update(preview_step=None)
    default_storage.delete(name)  # after the commit, as for videos: never a row without a file


def failed_jobs_expired(*, before: datetime) -> QuerySet[Job]:
    held = subjects_under_review(subject_type=JOB_SUBJECT)
    rows = Job.objects.filter(status=JobStatus.FAILED, finished_at__lt=before)
    return rows.exclude(pk__in=held).order_by("finished_at")


def video_delete(*, video: Video, days: int) -> None:
    """The video's files and row; the job stays, as the record of what was asked."""
    details = {
        "owner": video.owner_id,
        "job": video.job_id,
        "created_at": video.created_at.isoformat(),
        "size_bytes": video.size_bytes,
        "kept_days": days,
    }
    with transaction.atomic():
        audit_record(action="retention.video_delete", target=f"video:{video.pk}", details=details)
        names = [getattr(video, field).name for field in ("file", *video_file_fields())]
        video.delete()
    # After the commit: a failed file delete leaves an orphan file, never a row without one.
    for name in names:
        if name:
            video.file.storage.delete(name)


def video_file_delete(*, video: Video, field: str, days: int) -> None:
    stored = getattr(video, field)
    name = stored.name
    with transaction.atomic():
        audit_record(
            action=f"retention.{field}_delete",
            target=f"video:{video.pk}",
            details={"owner": video.owner_id, "file": name, "kept_days": days},
        )
        Video.objects.filter(pk=video.pk).update(**{field: ""})
    stored.storage.delete(name)


def failed_job_delete(*, job: Job, days: int) -> None:
    with transaction.atomic():
        audit_record(
            action="retention.job_delete",
            target=f"job:{job.pk}",
            details={
                "owner": job.owner_id,
                "finished_at": job.finished_at.isoformat() if job.finished_at else None,
                "error": job.error[:200],
                "kept_days": days,
            },
        )
        job.delete()


def video_file_fields() -> list[str]:
    """The extra file fields this version's Video has (a preview only where one exists)."""
    names = {field.name for field in Video._meta.get_fields()}
    return [field for field in FILE_RETENTION if field in names]


def storage_used(*, owner_id: int) -> int:
    """Bytes of video a person keeps (the MP4s; posters are a few kB each)."""
    used = Video.objects.filter(owner_id=owner_id).aggregate(total=Sum("size_bytes"))["total"]
    return int(used or 0)


def storage_cap_bytes() -> int:
    """STORAGE_CAP_MB per person in bytes; 0 means no cap."""
    return int(settings.STORAGE_CAP_MB * 1024 * 1024)
