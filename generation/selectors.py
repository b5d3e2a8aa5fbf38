"""Reads for generation, and the one place each object type's access is checked.

Views and the API fetch jobs and videos only through `job_get_for_user` and
`video_get_for_user`: another person's object is a 404, never a 403, so nobody
learns whether an id exists.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, AnonymousUser
from django.db.models import QuerySet
from django.http import Http404

from generation.models import Job, ModelEntry, Video

AnyUser = AbstractUser | AnonymousUser
MODERATOR_PERM = "generation.view_video"


def job_get_for_user(user: AnyUser, pk: int) -> Job:
    """The job, if `user` owns it. Jobs are private: nobody else sees one here
    (moderators review prompts in the admin, through moderation's records)."""
    job = (
        Job.objects.select_related("video").filter(pk=pk, owner_id=user.pk).first()
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
    return video.in_community


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
    video = Video.objects.select_related("job", "owner").filter(pk=pk).first()
    if video is None or not video_can_view(user, video):
        raise Http404("No such video")
    if owner_only and video.owner_id != user.pk:
        raise Http404("No such video")
    if playable and (video.removed or video.held) and not user.has_perm(MODERATOR_PERM):
        raise Http404("This video was removed" if video.removed else "Held for review")
    return video


def jobs_of(user: AnyUser) -> QuerySet[Job]:
    """One person's jobs, newest first, with their videos."""
    return (
        Job.objects.filter(owner_id=user.pk).select_related("video").order_by("-created_at", "-id")
    )


def videos_of(user: AnyUser) -> QuerySet[Video]:
    return (
        Video.objects.filter(owner_id=user.pk).select_related("job").order_by("-created_at", "-id")
    )


def community_videos() -> QuerySet[Video]:
    """Shared videos that no moderator hid or removed, most recently shared first."""
    return (
        Video.objects.filter(shared=True, hidden=False, removed=False, held=False)
        .select_related("job", "owner")
        .order_by("-shared_at", "-id")
    )


def models_usable_by(user: AnyUser) -> list[ModelEntry]:
    """Catalogue models this person may choose now: enabled, allowed to their role, and
    served by a live worker. Empty with no catalogue (the single-model default)."""
    from access.roles import role_of
    from generation.workers import live_worker_counts

    served = live_worker_counts()
    role = role_of(user)  # type: ignore[arg-type]
    entries = ModelEntry.objects.filter(enabled=True, name__in=list(served))
    return [entry for entry in entries if entry.allows(role)]
