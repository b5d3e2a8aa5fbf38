"""Writes for generation: submit, screen, enqueue, cancel, share.

Views, the API, admin actions and signal receivers call these; none of them
changes a Job's status any other way than through transitions.job_move.
"""

from __future__ import annotations

import logging
import secrets
import uuid
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django_q.tasks import async_task

from access.audit import audit_record
from access.errors import ErrorCode, Refused
from access.policy import Decision, Usage, generation_decision, quota_day_start
from generation.models import (
    ACTIVE_STATUSES,
    CANCELLABLE_STATUSES,
    JOB_SUBJECT,
    Job,
    JobStatus,
    ModelEntry,
    Video,
)
from generation.params import GenerationParams, caps_for, fit_params
from generation.previews import preview_name
from generation.retention import storage_cap_bytes, storage_used
from generation.transitions import job_move
from moderation.models import Verdict
from moderation.services import screen_text, screenings_cancel

log = logging.getLogger(__name__)
MAX_SEED = 2**31 - 1
NOT_COUNTED = (JobStatus.REJECTED, JobStatus.FAILED, JobStatus.CANCELLED)


class SubmissionRefused(Refused):
    """access (or the storage cap) said no: the decision says why, with its code."""

    def __init__(self, decision: Decision) -> None:
        super().__init__(
            decision.code or ErrorCode.FORBIDDEN, decision.reason, decision.retry_after
        )
        self.decision = decision


@dataclass(frozen=True)
class Submission:
    """A request already validated by a form or the API (see generation/forms.py)."""

    params: GenerationParams
    aspect: str
    variations: int
    seed_was_random: bool
    adjustments: tuple[str, ...] = ()
    model_name: str = ""  # a catalogue entry's name; empty: GENERATION_MODEL


def random_seed() -> int:
    return secrets.randbelow(MAX_SEED)


def job_submit(*, owner: User, submission: Submission) -> list[Job]:
    """Create one job per variation, screen each, and queue what moderation allows."""
    params = submission.params
    storage_refusal = _storage_refusal(owner)
    if storage_refusal is not None:
        raise SubmissionRefused(storage_refusal)
    decision = generation_decision(
        owner,
        requested_seconds=submission.variations * params.num_frames / params.fps,
        requested_jobs=submission.variations,
        usage=usage_for(owner),
    )
    if not decision.allowed:
        raise SubmissionRefused(decision)
    batch = uuid.uuid4()
    with transaction.atomic():
        jobs = [
            _job_create(owner=owner, submission=submission, variation=index, batch=batch)
            for index in range(1, submission.variations + 1)
        ]
        for job in jobs:
            job_screen(job=job)
    for job in jobs:
        job.refresh_from_db()  # screening moved them with conditional UPDATEs
    return jobs


def _storage_refusal(owner: User) -> Decision | None:
    """STORAGE_CAP_MB: a person whose videos fill their share makes no new ones."""
    cap = storage_cap_bytes()
    if not cap or storage_used(owner_id=owner.pk) < cap:
        return None
    reason = (
        f"Your videos use all of your {filesizeformat(cap)} of storage. Ask staff to remove "
        "old videos to make room."
    )
    return Decision(False, reason, ErrorCode.STORAGE_FULL)


def usage_for(owner: User) -> Usage:
    """What counts against a person's quota: unfinished jobs, and seconds of video
    asked for since midnight UTC by jobs that were not refused, failed or cancelled."""
    mine = Job.objects.filter(owner=owner)
    counted = mine.filter(created_at__gte=quota_day_start(timezone.now())).exclude(
        status__in=NOT_COUNTED
    )
    seconds = sum(frames / fps for frames, fps in counted.values_list("num_frames", "fps"))
    return Usage(active_jobs=mine.filter(status__in=ACTIVE_STATUSES).count(), seconds_today=seconds)


def _job_create(*, owner: User, submission: Submission, variation: int, batch: uuid.UUID) -> Job:
    params = submission.params
    # Variations differ only by seed, so each is reproducible on its own.
    seed = (params.seed + variation - 1) % MAX_SEED
    return Job.objects.create(
        owner=owner,
        batch=batch,
        variation=variation,
        prompt=params.prompt,
        negative_prompt=params.negative_prompt,
        aspect=submission.aspect,
        width=params.width,
        height=params.height,
        num_frames=params.num_frames,
        fps=params.fps,
        steps=params.steps,
        guidance=params.guidance,
        seed=seed,
        seed_was_random=submission.seed_was_random,
        model_name=submission.model_name or settings.GENERATION_MODEL,
        adjustments=list(submission.adjustments),
    )


def job_screen(*, job: Job) -> str:
    """Ask moderation for a verdict and move the job accordingly. Returns the new status."""
    screening = screen_text(
        text=job.prompt, submitter=job.owner, subject_type=JOB_SUBJECT, subject_id=job.pk
    )
    public: dict[str, Any] = {
        "moderation_category": screening.public_category,
        "moderation_reason": screening.public_reason,
    }
    if screening.verdict == Verdict.BLOCK:
        job_move(job_id=job.pk, to=JobStatus.REJECTED, allowed_from={JobStatus.SCREENING}, **public)
        return JobStatus.REJECTED
    if screening.verdict == Verdict.FLAG:
        job_move(job_id=job.pk, to=JobStatus.HELD, allowed_from={JobStatus.SCREENING}, **public)
        return JobStatus.HELD
    job_queue(job_id=job.pk, allowed_from={JobStatus.SCREENING})
    return JobStatus.QUEUED


def job_queue(
    *, job_id: int, allowed_from: set[str], where: dict[str, Any] | None = None, **fields: Any
) -> bool:
    """Move a job to `queued` and hand it to the worker queue once committed."""
    moved = job_move(
        job_id=job_id, to=JobStatus.QUEUED, allowed_from=allowed_from, where=where, **fields
    )
    if moved:
        _enqueue_on_commit(job_id)
    return moved


def _enqueue_on_commit(job_id: int) -> None:
    transaction.on_commit(lambda: job_enqueue(job_id=job_id))


def job_enqueue(*, job_id: int) -> bool:
    """Put the job on the django-q2 queue. Harmless if done twice: claims are conditional.

    If the broker is unreachable the job stays `queued` with no enqueue stamp, and the
    periodic sweep (tasks.jobs_redeliver) hands it to the workers once Redis is back.
    """
    # Stamp first: a fast worker may start the job before async_task returns.
    Job.objects.filter(pk=job_id).update(enqueued_at=timezone.now())
    try:
        async_task(
            "generation.tasks.job_run",
            job_id,
            task_name=f"job-{job_id}",
            cluster=task_queue_for(job_id=job_id),
        )
    except Exception as exc:  # the queue is down: keep the job, say so, retry later
        Job.objects.filter(pk=job_id).update(enqueued_at=None)
        log.warning("Job %s stays queued: the task queue is unreachable (%s)", job_id, exc)
        return False
    return True


def task_queue_for(*, job_id: int) -> str | None:
    """The task list of the workers serving this job's model: a catalogue model has its
    own (`<Q_CLUSTER_NAME>.<model>`); anything else goes to the default cluster."""
    model = Job.objects.filter(pk=job_id).values_list("model_name", flat=True).first()
    if model and ModelEntry.objects.filter(name=model).exists():
        return f"{settings.Q_CLUSTER['name']}.{model}"
    return None


def job_cancel(*, job: Job, by: User) -> bool:
    """Cancel a job that has not finished. A running one stops at its next step."""
    if job.owner_id != by.pk:
        raise PermissionDenied("Only the owner can cancel a job")
    moved = job_move(
        job_id=job.pk,
        to=JobStatus.CANCELLED,
        allowed_from=set(CANCELLABLE_STATUSES),
        error="Cancelled by you.",
    )
    if moved:
        screenings_cancel(subject_type=JOB_SUBJECT, subject_ids=[job.pk])
    return moved


def video_share_set(*, video: Video, by: User, shared: bool) -> None:
    if video.owner_id != by.pk:
        raise PermissionDenied("Only the owner can share or unshare a video")
    Video.objects.filter(pk=video.pk).update(
        shared=shared, shared_at=timezone.now() if shared else None
    )


def remix_params(job: Job) -> GenerationParams:
    """The same settings as `job`, as a starting point for a new submission."""
    return job.params()


def submission_fit(
    *,
    params: GenerationParams,
    aspect: str,
    variations: int,
    seed_was_random: bool,
    model_name: str = "",
    model_source: str = "",
) -> Submission:
    caps = caps_for(model_source or settings.GENERATION_MODEL)
    fitted, notes = fit_params(requested=params, caps=caps)
    return Submission(
        params=replace(fitted),
        aspect=aspect,
        variations=variations,
        seed_was_random=seed_was_random,
        adjustments=tuple(notes),
        model_name=model_name,
    )


def jobs_cancel_for_owner(*, owner_id: int, message: str) -> int:
    """Cancel all of a person's unfinished jobs; a running one stops at its next step."""
    cancelled = []
    active = Job.objects.filter(owner_id=owner_id, status__in=CANCELLABLE_STATUSES)
    for job_id in active.values_list("pk", flat=True):
        if job_move(
            job_id=job_id,
            to=JobStatus.CANCELLED,
            allowed_from=set(CANCELLABLE_STATUSES),
            error=message,
        ):
            cancelled.append(job_id)
    screenings_cancel(subject_type=JOB_SUBJECT, subject_ids=cancelled)
    return len(cancelled)


def jobs_park_running() -> int:
    """Site pause: take running jobs off the GPU (their worker stops at its next step)."""
    running = Job.objects.filter(status=JobStatus.RUNNING).values_list("pk", flat=True)
    return sum(
        job_move(
            job_id=job_id,
            to=JobStatus.PAUSED,
            allowed_from={JobStatus.RUNNING},
            progress_step=0,
            attempts=F("attempts") - 1,  # a pause is not a failed attempt
            error="Paused with the studio; it will start again when the studio resumes.",
        )
        for job_id in running
    )


def jobs_requeue_after_pause() -> int:
    """Site resume: paused jobs go back to the queue, and every queued job is handed to
    the workers again, all in their original order (queue time, then id)."""
    pending = Job.objects.filter(status__in=[JobStatus.PAUSED, JobStatus.QUEUED])
    count = 0
    for job_id, status in pending.order_by("queued_at", "pk").values_list("pk", "status"):
        if status == JobStatus.PAUSED:
            count += job_queue(job_id=job_id, allowed_from={JobStatus.PAUSED}, error="")
        else:
            _enqueue_on_commit(job_id)
            count += 1
    return count


def job_remix_record(*, jobs: list[Job], video: Video) -> None:
    """Note which video these new jobs were remixed from (the community's "most remixed")."""
    Job.objects.filter(pk__in=[job.pk for job in jobs]).update(remix_of=video)
    for job in jobs:
        job.remix_of = video


class DeleteRefused(ValidationError):
    """The job cannot be deleted now; the message says what to do instead."""


def job_delete(*, job: Job, by: User, request: HttpRequest | None = None) -> bool:
    """The owner deletes a finished job and its video: the media leave storage, the
    video leaves every gallery, and an audit event records it. The row stays, marked
    deleted, so provenance (trace) still finds the account; nothing brings it back,
    so a video a moderator removed cannot be resurrected either.

    False if it was already deleted."""
    if job.owner_id != by.pk:
        raise PermissionDenied("Only the owner can delete a job")
    if job.is_active:
        raise DeleteRefused(
            "This job has not finished: cancel it first, then delete it.", code="active"
        )
    video = Video.objects.filter(job_id=job.pk).first()
    names = [n for n in (video.file.name, video.poster.name) if n] if video else []
    if job.preview_step:
        names.append(preview_name(job.pk))
    with transaction.atomic():
        if not Job.objects.filter(pk=job.pk, deleted_at__isnull=True).update(
            deleted_at=timezone.now()
        ):
            return False
        if video is not None:
            Video.objects.filter(pk=video.pk).update(
                shared=False, shared_at=None, file="", poster=""
            )
        audit_record(
            action="job.delete",
            actor=by,
            target=f"{JOB_SUBJECT}:{job.pk}",
            request=request,
            details={
                "video": video.pk if video else None,
                "removed_by_moderator": bool(video and video.removed),
                "files": len(names),
            },
        )
        # Only once the row says "deleted" for good: a rolled-back delete keeps its media.
        transaction.on_commit(lambda: _media_delete(names))
    return True


def _media_delete(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            # The row already says deleted; a file left behind is logged for the operator.
            log.warning("Could not delete %s from storage", name, exc_info=True)
