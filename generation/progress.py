"""What an artist's page knows about a job, and how it reaches the page live.

The same snapshot feeds the websocket, the JSON status endpoint and the API,
so every client sees the same fields (documented in README, "Live progress").
Every sentence a page shows about a job's state is written here, once: the
templates render the snapshot's texts and static/js/live.js copies them in.
"""

from __future__ import annotations

import asyncio
import logging
import math
import os
import threading
import time
from collections.abc import Coroutine
from typing import Any

import redis
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from channels_redis.core import RedisChannelLayer
from django.conf import settings
from django.db.models import Avg, F
from django.urls import reverse

from generation.models import JOB_SUBJECT, VIDEO_SUBJECT, Job, JobStatus
from generation.queue import queue_position_of
from generation.timing import phase
from moderation.models import Appeal
from moderation.selectors import appeal_state

log = logging.getLogger(__name__)


SITE_GROUP = "site"  # every open page: site-wide news such as a pause


def user_group(user_id: int) -> str:
    """The channel group of one person's open pages (letters, digits, '-' only)."""
    return f"user-{user_id}"


def queue_position(job: Job) -> int | None:
    """1 for the next job to start, in the fair queue's order; None unless queued."""
    if job.status != JobStatus.QUEUED or job.queued_at is None:
        return None
    return queue_position_of(job)


def average_job_seconds() -> float | None:
    recent = (
        Job.objects.filter(status=JobStatus.SUCCEEDED, started_at__isnull=False)
        .order_by("-finished_at")
        .values_list("pk", flat=True)[:20]
    )
    result = Job.objects.filter(pk__in=list(recent)).aggregate(
        seconds=Avg(F("finished_at") - F("started_at"))
    )["seconds"]
    return result.total_seconds() if result is not None else None


def eta_seconds(job: Job, position: int | None) -> float | None:
    """A rough estimate: recent job durations for queued jobs, step pace when running.

    The pace is measured between step ends, so a model load before step 1 (tens of
    seconds for a real model) does not multiply into the estimate. Before step 2
    there is no pace yet, and no estimate."""
    if job.status == JobStatus.RUNNING:
        return running_eta_seconds(job)
    if position is not None:
        average = average_job_seconds()
        if average is not None:
            workers = max(1, int(str(settings.Q_CLUSTER.get("workers", 1))))
            return round(average * position / workers, 1)
    return None


def running_eta_seconds(job: Job) -> float | None:
    if job.progress_step < 2 or job.first_step_at is None or job.progress_at is None:
        return None
    per_step = (job.progress_at - job.first_step_at).total_seconds() / (job.progress_step - 1)
    return round(per_step * max(0, job.progress_total - job.progress_step), 1)


def queue_text(position: int | None) -> str:
    return f"#{position} in the queue" if position else ""


def eta_text(seconds: float | None) -> str:
    if seconds is None:
        return ""
    if seconds < 90:
        return f"about {max(1, _half_up(seconds))} s left"
    return f"about {_half_up(seconds / 60)} min left"


def _half_up(value: float) -> int:
    return math.floor(value + 0.5)  # as pages always rounded it (round() goes to even)


def moderation_text(job: Job) -> str:
    """The notice under a held or rejected job."""
    if job.status == JobStatus.HELD:
        category = f": {job.moderation_category}" if job.moderation_category else ""
        return f"Held for review{category}. A moderator will look at it soon."
    if job.status == JobStatus.REJECTED:
        return f"Rejected: {job.moderation_reason or 'this prompt is not allowed here'}"
    return ""


VIDEO_NOTICES = {
    "held": "Held for review: a moderator will look at this video before anyone can see it.",
    "removed": "A moderator removed this video.",
}


def video_payload(job: Job) -> dict[str, Any] | None:
    video = getattr(job, "video", None) if job.status == JobStatus.SUCCEEDED else None
    if video is None:
        return None
    playable = not video.held and not video.removed  # the media URLs would refuse
    state = "held" if video.held else "removed" if video.removed else ""
    return {
        "id": video.pk,
        "held": video.held,
        "removed": video.removed,
        "notice": VIDEO_NOTICES.get(state, ""),
        "url": reverse("video_media", args=[video.pk]) if playable else None,
        "poster_url": reverse("video_poster", args=[video.pk]) if playable else None,
        "detail_url": reverse("video_detail", args=[video.pk]),
        "width": video.width,
        "height": video.height,
        "duration_seconds": video.duration_seconds,
    }


# Jobs whose progress bar means something: waiting for, on, or taken off a GPU.
BAR_STATUSES = frozenset({JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.PAUSED})


def phase_text(job: Job, total: int) -> str:
    """One line saying what an active job is doing now; empty once it has ended."""
    if job.status == JobStatus.RUNNING:
        if job.progress_step <= 0:
            return "Starting: loading the model and reading the prompt…"
        if job.progress_step >= total:
            return "Encoding the video…"
        return f"Step {job.progress_step} of {total}"
    return {
        JobStatus.SCREENING: "Checking the prompt…",
        JobStatus.QUEUED: "Waiting for a GPU",
        JobStatus.PAUSED: "Paused with the studio: it runs again when the studio resumes.",
    }.get(JobStatus(job.status), "")


def refusal_subject(job: Job) -> tuple[str, int] | None:
    """What a refused job's owner would appeal: the prompt, or the removed video."""
    if job.status == JobStatus.REJECTED:
        return JOB_SUBJECT, job.pk
    video = getattr(job, "video", None) if job.status == JobStatus.SUCCEEDED else None
    if video is not None and video.removed:
        return VIDEO_SUBJECT, video.pk
    return None


def appeal_payload(job: Job) -> dict[str, Any] | None:
    """The appeal box of a refused job (one query, and only for refused jobs)."""
    subject = refusal_subject(job)
    if subject is None:
        return None
    state = appeal_state(subject_type=subject[0], subject_id=subject[1])
    if state is None:
        return None  # refused by no screening (a report's removal): nothing to appeal here
    return {
        "can_appeal": state.can_appeal,
        "status": state.status,
        "status_label": state.status_label,
        "reason": state.decision_reason,
        "text": appeal_text(state.status, state.status_label, state.decision_reason),
    }


def appeal_text(status: str, status_label: str, reason: str) -> str:
    """The line about an appeal on its job's page, loaded or live."""
    if not status:
        return ""
    if status == Appeal.Status.PENDING:
        return "Your appeal is with a moderator."
    return f"Appeal {status_label.lower()}: {reason}"


def job_snapshot(job: Job) -> dict[str, Any]:
    position = queue_position(job)
    eta = eta_seconds(job, position)
    total = job.progress_total or job.steps
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": JobStatus(job.status).label,
        "prompt": job.prompt,
        "step": job.progress_step,
        "steps": total,
        "progress": round(job.progress_step / total, 4) if total else 0.0,
        "phase": phase_text(job, total),
        "show_bar": job.status in BAR_STATUSES,
        "queue_position": position,
        "queue_text": queue_text(position),
        "eta_seconds": eta,
        "eta_text": eta_text(eta),
        "error": job.error,
        "moderation_category": job.moderation_category,
        "moderation_reason": job.moderation_reason,
        "moderation_text": moderation_text(job),
        "adjustments": job.adjustments,
        "seed": job.seed,
        "video": video_payload(job),
        "appeal": appeal_payload(job),
        "detail_url": reverse("job_detail", args=[job.pk]),
        # The latest latent preview while it runs (the step busts caches); null before
        # the first one and once the job has ended.
        "preview_url": (
            f"{reverse('job_preview', args=[job.pk])}?step={job.preview_step}"
            if job.preview_step and job.status == JobStatus.RUNNING
            else None
        ),
    }


_sender: tuple[int, asyncio.AbstractEventLoop] | None = None
_sender_lock = threading.Lock()
SEND_TIMEOUT = 10.0


def _sender_loop() -> asyncio.AbstractEventLoop:
    """One event loop per process, kept running in a thread, for sends from sync code.

    channels-redis keeps its connections per event loop; async_to_sync makes a new
    loop, so every send opened a new Redis connection (tens of ms on each step of a
    job). The pid check gives a forked worker its own loop."""
    global _sender
    with _sender_lock:
        if _sender is None or _sender[0] != os.getpid():
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, daemon=True, name="group-send").start()
            _sender = (os.getpid(), loop)
        return _sender[1]


def _on_sender_loop(coroutine: Coroutine[Any, Any, None]) -> None:
    """Run a send on the process's sender loop and wait for it (so nothing is lost
    when a command exits right after, and sends keep their order)."""
    asyncio.run_coroutine_threadsafe(coroutine, _sender_loop()).result(timeout=SEND_TIMEOUT)


def group_send(group: str, message: dict[str, Any]) -> None:
    """Send to a group; a broken channel layer must never break a job."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        if isinstance(layer, RedisChannelLayer):
            _on_sender_loop(layer.group_send(group, message))
        else:
            async_to_sync(layer.group_send)(group, message)
    except (redis.ConnectionError, redis.TimeoutError, OSError) as exc:
        log.warning("Open pages of %s were not told (Redis unreachable: %s)", group, exc)
    except Exception:
        log.exception("Could not send a live update to %s", group)


def appeal_broadcast(*, job_id: int, owner_id: int, granted: bool, reason: str) -> None:
    """Tell the artist's open pages how a moderator decided their appeal."""
    status = Appeal.Status.GRANTED if granted else Appeal.Status.DENIED
    group_send(
        user_group(owner_id),
        {
            "type": "appeal.decided",
            "job_id": job_id,
            "granted": granted,
            "message": appeal_text(status, status.label, reason),
        },
    )


def job_broadcast(*, job_id: int, job: Job | None = None) -> None:
    """Tell the owner's open pages. `job`: an up-to-date copy the caller already holds
    (the step callback, right after renewing its lease), which saves a read per step."""
    with phase("broadcasts"):
        if job is None:
            job = Job.objects.select_related("video").filter(pk=job_id).first()
        if job is None:
            return
        snapshot = job_snapshot(job)
        snapshot["sent_at"] = time.time()  # lets clients (and bench/) see how fresh it is
        group_send(user_group(job.owner_id), {"type": "job.update", "job": snapshot})
