"""Reads for generation, and the one place each object type's access is checked.

Views and the API fetch jobs and videos only through `job_get_for_user` and
`video_get_for_user`: another person's object is a 404, never a 403, so nobody
learns whether an id exists.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, AnonymousUser
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.http import Http404

from access.roles import role_of
from generation.models import ACTIVE_STATUSES, Job, JobStatus, ModelEntry, Video
from generation.workers import live_worker_counts

AnyUser = AbstractUser | AnonymousUser
MODERATOR_PERM = "generation.view_video"


def job_get_for_user(user: AnyUser, pk: int) -> Job:
    """The job, if `user` owns it. Jobs are private: nobody else sees one here
    (moderators review prompts in the admin, through moderation's records)."""
    job = (
        Job.objects.select_related("video")
        .filter(pk=pk, owner_id=user.pk, deleted_at__isnull=True)
        .first()
        if user.is_authenticated
        else None
    )
    if job is None:
        raise Http404("No such job")
    return job


def video_can_view(user: AnyUser, video: Video) -> bool:
    if not user.is_authenticated:
        return False
    if video.owner_id == user.pk or user.has_perm(MODERATOR_PERM):
        return True
    # A revoked person's videos leave the community at once, and come back on restore.
    return video.in_community and video.owner.is_active


def video_get_for_user(
    user: AnyUser, pk: int, *, owner_only: bool = False, playable: bool = False
) -> Video:
    """The video, if `user` may see it (owner_only: if `user` owns it).

    Owners always see their own videos, with a notice when a moderator hid or
    removed one; others see only shared, visible videos; people with the
    `generation.view_video` permission (moderators, staff) see every video.
    `playable` also refuses a removed or held video's media to everyone but
    moderators: a held video may be what the studio must never serve, so even its
    owner waits for a person's decision.
    """
    video = (
        Video.objects.select_related("job", "owner")
        .filter(pk=pk, job__deleted_at__isnull=True)
        .first()
    )
    if video is None or not video_can_view(user, video):
        raise Http404("No such video")
    if owner_only and video.owner_id != user.pk:
        raise Http404("No such video")
    if playable and (video.removed or video.held) and not user.has_perm(MODERATOR_PERM):
        raise Http404("This video was removed" if video.removed else "Held for review")
    return video


# My videos' status filter: key -> (label, statuses); "" is everything.
JOB_FILTERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "": ("All", ()),
    "active": ("In progress", tuple(ACTIVE_STATUSES)),
    "succeeded": ("Ready", (JobStatus.SUCCEEDED,)),
    "held": ("Held", (JobStatus.HELD,)),
    "failed": ("Failed", (JobStatus.FAILED,)),
    "rejected": ("Rejected", (JobStatus.REJECTED,)),
    "cancelled": ("Cancelled", (JobStatus.CANCELLED,)),
}


def jobs_of(user: AnyUser, *, status_filter: str = "") -> QuerySet[Job]:
    """One person's jobs that they have not deleted, newest first, with their videos
    and, for variations, how many the batch had."""
    batch_size = (
        Job.objects.filter(batch=OuterRef("batch"))
        .values("batch")
        .annotate(n=Count("pk"))
        .values("n")
    )
    jobs = Job.objects.filter(owner_id=user.pk, deleted_at__isnull=True)
    statuses = JOB_FILTERS.get(status_filter, JOB_FILTERS[""])[1]
    if statuses:
        jobs = jobs.filter(status__in=statuses)
    return (
        jobs.select_related("video")
        .annotate(batch_size=Subquery(batch_size))
        .order_by("-created_at", "-id")
    )


def batch_size_of(job: Job) -> int:
    """How many variations were submitted together with `job` (1 for a single job)."""
    return Job.objects.filter(batch=job.batch).count()


def videos_of(user: AnyUser) -> QuerySet[Video]:
    return (
        Video.objects.filter(owner_id=user.pk, job__deleted_at__isnull=True)
        .select_related("job")
        .order_by("-created_at", "-id")
    )


COMMUNITY_SORTS = {"newest": "Newest", "remixed": "Most remixed"}


def community_videos(*, search: str = "", sort: str = "newest") -> QuerySet[Video]:
    """Shared videos that no moderator hid, removed or holds for review, of people who still have
    access; every word of `search` must be in the prompt. Newest shared first, or
    most remixed first. One query for a page, whatever it holds."""
    videos = Video.objects.filter(
        shared=True,
        hidden=False,
        removed=False,
        held=False,
        owner__is_active=True,
        job__deleted_at__isnull=True,
    ).select_related("job", "owner")
    for word in search.split()[:8]:
        videos = videos.filter(job__prompt__icontains=word)
    if sort == "remixed":
        videos = videos.annotate(remix_count=Count("remixes")).order_by(
            "-remix_count", "-shared_at", "-id"
        )
        return videos
    return videos.order_by("-shared_at", "-id")


def models_usable_by(user: AnyUser) -> list[ModelEntry]:
    """Catalogue models this person may choose now: enabled, allowed to their role, and
    served by a live worker. Empty with no catalogue (the single-model default)."""
    served = live_worker_counts()
    role = role_of(user)  # type: ignore[arg-type]
    entries = ModelEntry.objects.filter(enabled=True, name__in=list(served))
    return [entry for entry in entries if entry.allows(role)]
