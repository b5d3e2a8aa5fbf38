"""How moderation names and shows our jobs and videos (see moderation/subjects.py).

Registered from GenerationConfig.ready(): moderation may not import generation.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.urls import reverse

from generation.models import JOB_SUBJECT, VIDEO_SUBJECT, Job, Video
from moderation.subjects import SubjectMedia, subject_type_register


def _owner(email: str | None) -> str:
    return email or "a deleted account"


def job_labels(ids: Sequence[int]) -> dict[int, str]:
    rows = Job.objects.filter(pk__in=ids).values_list("pk", "owner__email")
    return {pk: f"Job #{pk} by {_owner(email)}" for pk, email in rows}


def video_labels(ids: Sequence[int]) -> dict[int, str]:
    rows = Video.objects.filter(pk__in=ids).values_list("pk", "owner__email")
    return {pk: f"Video #{pk} by {_owner(email)}" for pk, email in rows}


def video_media(pk: int) -> SubjectMedia | None:
    """The reported video for the review page: our media views admit moderators, also
    for a removed video (generation.view_video)."""
    if not Video.objects.filter(pk=pk).exclude(file="").exists():
        return None
    return SubjectMedia(
        video_url=reverse("video_media", args=[pk]),
        poster_url=reverse("video_poster", args=[pk]),
        detail_url=reverse("video_detail", args=[pk]),
    )


def subjects_register() -> None:
    subject_type_register(subject_type=JOB_SUBJECT, labeler=job_labels)
    subject_type_register(subject_type=VIDEO_SUBJECT, labeler=video_labels, media=video_media)
