"""generation acts on decisions announced by moderation (it never asks back)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver
from django.utils import timezone

from access import signals as access_signals
from generation.models import JOB_SUBJECT, VIDEO_SUBJECT, Job, JobStatus, Video
from generation.progress import (
    SITE_GROUP,
    appeal_broadcast,
    group_send,
    job_broadcast,
    user_group,
)
from generation.services import (
    job_queue,
    jobs_cancel_for_owner,
    jobs_park_running,
    jobs_requeue_after_pause,
)
from generation.transitions import job_move
from moderation import signals


@receiver(signals.subject_approved)
def queue_approved_job(sender: Any, subject_type: str, subject_id: int, **kwargs: Any) -> None:
    if subject_type == JOB_SUBJECT:
        job_queue(job_id=subject_id, allowed_from={JobStatus.HELD})
    elif subject_type == VIDEO_SUBJECT:  # the frame screening held it; a person cleared it
        Video.objects.filter(pk=subject_id, held=True).update(held=False)
        _tell_owner(subject_id)


@receiver(signals.subject_held)
def hold_video(sender: Any, subject_type: str, subject_id: int, **kwargs: Any) -> None:
    if subject_type == VIDEO_SUBJECT:
        Video.objects.filter(pk=subject_id).update(held=True)


def _tell_owner(video_id: int) -> None:
    """The owner's open job page picks up the decision (it re-reads the job)."""
    job_id = Video.objects.filter(pk=video_id).values_list("job_id", flat=True).first()
    if job_id is not None:
        job_broadcast(job_id=job_id)


@receiver(signals.subject_rejected)
def reject_job(
    sender: Any, subject_type: str, subject_id: int, reason: str = "", **kwargs: Any
) -> None:
    if subject_type == JOB_SUBJECT:
        job_move(
            job_id=subject_id,
            to=JobStatus.REJECTED,
            allowed_from={JobStatus.HELD},
            moderation_reason=reason or "Rejected by a moderator.",
        )
    elif subject_type == VIDEO_SUBJECT:  # a held video a person refused: removed
        Video.objects.filter(pk=subject_id).update(
            held=False, removed=True, hidden=True, hidden_reason=reason or "Removed by a moderator."
        )
        _tell_owner(subject_id)


@receiver(signals.subject_hidden)
def hide_video(
    sender: Any, subject_type: str, subject_id: int, reason: str = "", **kwargs: Any
) -> None:
    if subject_type == VIDEO_SUBJECT:
        Video.objects.filter(pk=subject_id).update(hidden=True, hidden_reason=reason)


@receiver(signals.subject_removed)
def remove_video(
    sender: Any, subject_type: str, subject_id: int, reason: str = "", **kwargs: Any
) -> None:
    if subject_type == VIDEO_SUBJECT:
        Video.objects.filter(pk=subject_id).update(
            removed=True, hidden=True, hidden_reason=reason, shared_at=timezone.now()
        )


@receiver(signals.appeal_decided)
def act_on_appeal(
    sender: Any, subject_type: str, subject_id: int, granted: bool, reason: str, **kwargs: Any
) -> None:
    """Granted: undo the refusal. Either way the artist's open pages hear it at once."""
    if subject_type == JOB_SUBJECT:
        job_id = subject_id
        if granted:
            job_queue(
                job_id=job_id,
                allowed_from={JobStatus.REJECTED},
                moderation_reason=f"Appeal granted: {reason}",
                finished_at=None,
            )
    elif subject_type == VIDEO_SUBJECT:
        row = Video.objects.filter(pk=subject_id).values_list("job_id", flat=True).first()
        if row is None:
            return
        job_id = row
        if granted:
            Video.objects.filter(pk=subject_id).update(
                removed=False, hidden=False, held=False, hidden_reason=""
            )
            job_broadcast(job_id=job_id)
    else:
        return
    owner_id = Job.objects.filter(pk=job_id).values_list("owner_id", flat=True).first()
    if owner_id is not None:
        appeal_broadcast(job_id=job_id, owner_id=owner_id, granted=granted, reason=reason)


# --- access: revocation and site pause -------------------------------------------

REVOKED_MESSAGE = "Your access to this studio was revoked."


@receiver(access_signals.person_revoked)
def stop_revoked_persons_work(sender: Any, user: Any, reason: str = "", **kwargs: Any) -> None:
    """Cancel every unfinished job (a running one stops at its next step) and close
    the person's open pages."""
    jobs_cancel_for_owner(owner_id=user.pk, message=f"Cancelled: {REVOKED_MESSAGE.lower()}")
    group_send(user_group(user.pk), {"type": "access.revoked", "message": REVOKED_MESSAGE})


@receiver(access_signals.site_paused)
def park_running_jobs(sender: Any, state: Any, **kwargs: Any) -> None:
    """Running jobs come off the GPU into `paused`; queued jobs simply wait."""
    jobs_park_running()
    group_send(SITE_GROUP, {"type": "site.update", "site": site_payload(state)})


@receiver(access_signals.site_resumed)
def requeue_after_pause(sender: Any, state: Any, **kwargs: Any) -> None:
    jobs_requeue_after_pause()
    group_send(SITE_GROUP, {"type": "site.update", "site": site_payload(state)})


def site_payload(state: Any) -> dict[str, Any]:
    since = getattr(state, "since", None)
    paused = bool(getattr(state, "paused", False))
    return {
        "paused": paused,
        "reason": getattr(state, "reason", "") if paused else "",
        "since": since.isoformat() if since else None,
        "message": f"The studio is paused: {state.reason}" if paused else "",
    }
