"""The worker side: claim a job, run the pipeline with live progress, store the video.

Runs inside django-q2 worker processes (`manage.py qcluster`). Nothing here may
touch CUDA at import time: the cluster parent imports this module before it forks
its workers. generation.backends imports torch inside its functions only, which a
worker calls after the fork, so importing it here at the top is safe.
"""

from __future__ import annotations

import errno
import logging
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.conf import Conf

from access.errors import ErrorCode
from access.policy import generation_decision
from access.selectors import site_paused_condition, site_state
from generation.backends import (
    JobInterrupted,
    LoadedModel,
    ModelLoadError,
    get_model,
    run_pipeline,
)
from generation.encoding import encode_mp4, make_poster
from generation.health import model_state_record
from generation.metrics import ENCODE_SECONDS
from generation.models import VIDEO_SUBJECT, Job, JobStatus, Video
from generation.previews import PreviewWriter
from generation.progress import job_broadcast
from generation.provenance.marks import frames_mark, media_sign
from generation.queue import job_claim_next
from generation.services import job_enqueue, job_queue
from generation.timing import phase, phase_switch, phases_recorded, phases_so_far
from generation.transitions import job_move
from generation.workers import worker_announce, worker_name, workers_forget_stale
from moderation.services import frames_screen

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)
BROADCAST_INTERVAL = 0.1  # seconds between live step updates; first and last always sent


def worker_id() -> str:
    return worker_name()  # host:pid, as on the Workers page


def served_model() -> str | None:
    """The catalogue model this worker serves (it claims only that model's jobs), or
    None for the single-model default, where a worker takes any queued job."""
    return settings.WORKER_MODEL or None


def lease_deadline() -> datetime:
    return timezone.now() + timedelta(seconds=settings.JOB_LEASE_SECONDS)


def job_claim(*, job_id: int, worker: str) -> bool:
    """queued -> running with a fresh lease, counting the attempt on the Job itself.

    Refused inside the same UPDATE while the studio is paused: a worker's cached
    site state may be up to a second old, the database is not."""
    return job_move(
        job_id=job_id,
        to=JobStatus.RUNNING,
        allowed_from={JobStatus.QUEUED},
        conditions=(~site_paused_condition(),),
        lease_owner=worker,
        lease_expires_at=lease_deadline(),
        attempts=F("attempts") + 1,
        progress_step=0,
        progress_total=0,
        progress_at=None,
        first_step_at=None,
        error="",
    )


def lease_renew(
    *, job_id: int, worker: str, step: int | None = None, total: int | None = None
) -> bool:
    """Renew the lease (and record progress). False means the job was taken from us:
    cancelled, paused, revoked, or re-queued by the sweep after our lease expired."""
    fields: dict[str, object] = {"lease_expires_at": lease_deadline()}
    if step is not None:
        now = timezone.now()
        fields.update(progress_step=step, progress_total=total, progress_at=now)
        if step == 1:
            fields["first_step_at"] = now
    updated = Job.objects.filter(pk=job_id, status=JobStatus.RUNNING, lease_owner=worker)
    with phase("database writes"):
        return updated.update(**fields) == 1


class StepReporter:
    """The denoising-step callback: checks the job is still ours, records progress."""

    def __init__(self, job_id: int, worker: str, job: Job | None = None) -> None:
        self.job_id = job_id
        self.worker = worker
        self.job = job  # the running job as claimed: step updates are built from it
        self.last_sent = 0.0
        self.step = 0

    def __call__(self, step: int, total: int) -> None:
        self.step = step
        if not lease_renew(job_id=self.job_id, worker=self.worker, step=step, total=total):
            raise JobInterrupted("the job was cancelled, paused or taken over")
        now = time.monotonic()
        if step in (1, total) or now - self.last_sent >= BROADCAST_INTERVAL:
            self.last_sent = now
            job_broadcast(job_id=self.job_id, job=self._current(step, total))
        if step == total:
            phase_switch("decode")  # the pipeline decodes the latents after the last step

    def _current(self, step: int, total: int) -> Job | None:
        """Our copy with this step's progress: the renewal just proved the job is still
        running and ours, so nothing else in the row has changed that a page shows."""
        if self.job is None:
            return None
        now = timezone.now()
        self.job.progress_step, self.job.progress_total, self.job.progress_at = step, total, now
        if step == 1:
            self.job.first_step_at = now
        return self.job


@contextmanager
def lease_heartbeat(*, job_id: int, worker: str) -> Iterator[None]:
    """Renew the lease from a thread while the job is ours, not only at each step.

    Loading a model (or encoding a long video) can take longer than the lease; the
    sweep, which now runs every few seconds, would then take a healthy job away
    and count a failed attempt. A killed worker's thread dies with it, so the
    lease still runs out when it should.
    """
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(settings.JOB_LEASE_SECONDS / 3):
                try:
                    if not lease_renew(job_id=job_id, worker=worker):
                        return  # taken from us: the step callback stops the pipeline
                except Exception as exc:  # e.g. SQLite busy: the next beat or step renews
                    log.warning("Lease of job %s not renewed this time (%s)", job_id, exc)
        finally:
            connection.close()  # this thread's own database connection

    thread = threading.Thread(target=beat, name=f"lease-{job_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=1)  # a daemon: one stuck in a busy database dies with us


def job_run(job_id: int) -> str:
    """The django-q2 task. Returns the job's final status, for the task log.

    The task only wakes this worker: it claims the fairest queued job of its model
    (generation/queue.py), which may be another than `job_id`; that job's own task
    will then find this one, or nothing."""
    worker = worker_id()
    if site_state().paused:
        # Nothing starts while the studio is paused; resume hands every queued job
        # to the workers again, in order.
        return "site paused: left queued"
    with phases_recorded() as phases:
        with phase("claim"):
            claimed = job_claim_next(worker=worker, model=served_model())
        if claimed is None:
            return "not claimed"  # nothing queued: cancelled, or already run by another task
        try:
            with phase("database writes"):
                job = Job.objects.select_related("owner").get(pk=claimed)
                worker_announce(current_job_id=claimed)
            with lease_heartbeat(job_id=claimed, worker=worker):
                return _job_execute(job, worker)
        except Exception as exc:  # the job fails with a message; the worker lives on
            log.exception("Job %s failed", claimed)
            _job_fail(claimed, worker, failure_message(exc))
            return JobStatus.FAILED
        finally:
            with phase("database writes"):
                worker_announce(current_job_id=None)
                _wake_for_leftovers()
            # A job that did not succeed gets its timings here (success wrote them).
            unfinished = Job.objects.filter(pk=claimed).exclude(status=JobStatus.SUCCEEDED)
            unfinished.update(timings=phases.as_dict())


def _wake_for_leftovers() -> None:
    """Queued jobs but an empty task list means tasks were lost (a host died holding
    prefetched tasks): hand one on at once instead of waiting for the sweep. An
    extra task is harmless; it finds nothing to claim."""
    if Conf.SYNC:  # inline tasks (tests): there is no queue that could have lost one
        return
    try:
        queued = Job.objects.filter(status=JobStatus.QUEUED)
        if served_model() is not None:
            queued = queued.filter(model_name=served_model())
        next_id = queued.order_by("queued_at", "pk").values_list("pk", flat=True).first()
        if next_id is not None and not get_broker(Conf.CLUSTER_NAME).queue_size():
            job_enqueue(job_id=next_id)
    except Exception as exc:  # best effort: the sweep redelivers in any case
        log.warning("Could not check for queued jobs without a task (%s)", exc)


def _job_execute(job: Job, worker: str) -> str:
    with phase("checks"):
        decision = generation_decision(job.owner)
    if decision.code is ErrorCode.PAUSED:  # paused between our claim and now
        job_move(
            job_id=job.pk,
            to=JobStatus.PAUSED,
            allowed_from={JobStatus.RUNNING},
            where={"lease_owner": worker},
            attempts=F("attempts") - 1,
        )
        return JobStatus.PAUSED
    if not decision.allowed:
        job_move(
            job_id=job.pk,
            to=JobStatus.CANCELLED,
            allowed_from={JobStatus.RUNNING},
            error=decision.reason,
        )
        return JobStatus.CANCELLED
    try:
        with phase("model fetch"):
            model = get_model()
    except ModelLoadError as exc:
        model_state_record(ok=False, detail=str(exc))
        global _recorded_ok
        _recorded_ok = None
        _job_fail(job.pk, worker, f"The video model could not be loaded: {exc}")
        return JobStatus.FAILED
    _model_ok_record(model)
    started = time.monotonic()
    reporter = StepReporter(job.pk, worker, job)
    try:
        frames = _frames_for(job, model, reporter)
    except JobInterrupted:
        # Whoever interrupted (cancel, pause, revocation, sweep) already moved the job.
        return f"interrupted at step {reporter.step} of {job.steps}"
    gpu_seconds = time.monotonic() - started
    return _video_store(job, worker, frames, model.name, gpu_seconds)


_recorded_ok: tuple[str, str, int] | None = None  # what this process last told /healthz


def _model_ok_record(model: LoadedModel) -> None:
    """Tell /healthz the model is loaded, once per load rather than once per job."""
    global _recorded_ok
    key = (model.name, model.device, id(model))
    if _recorded_ok != key:
        model_state_record(ok=True, detail=f"{model.name} loaded on {model.device}")
        _recorded_ok = key


def _frames_for(job: Job, model: LoadedModel, reporter: StepReporter) -> np.ndarray:
    previews = PreviewWriter(job.pk, job=reporter.job)
    with phase("denoise"):  # the last step callback switches this to "decode"
        return run_pipeline(model=model, params=job.params(), on_step=reporter, on_latents=previews)


def _video_store(
    job: Job, worker: str, frames: np.ndarray, model_name: str, gpu_seconds: float
) -> str:
    with phase("provenance"):
        frames = frames_mark(job=job, frames=frames)  # the invisible watermark names the job
    with tempfile.TemporaryDirectory(prefix="studio-encode-") as tmp:
        path = Path(tmp) / "video.mp4"
        with phase("encode"), ENCODE_SECONDS.time():
            encode_mp4(frames=frames, fps=job.fps, path=path)  # faststart needs a real file
        with phase("poster"):
            poster = make_poster(frames=frames)
        with phase("provenance"):  # C2PA manifests on both files
            poster = media_sign(job=job, video_path=path, poster=poster, model_name=model_name)
        video = Video(
            job=job,
            owner_id=job.owner_id,
            width=int(frames.shape[2]),
            height=int(frames.shape[1]),
            num_frames=int(frames.shape[0]),
            fps=job.fps,
            duration_seconds=frames.shape[0] / job.fps,
            size_bytes=path.stat().st_size,
            seed=job.seed,
            model_name=model_name,
            gpu_seconds=gpu_seconds,
        )
        # Files first, outside the transaction: an upload to shared storage must not
        # hold the database's write lock (SQLite has one for everybody).
        with phase("store"), path.open("rb") as handle:
            video.file.save("video.mp4", File(handle), save=False)
            video.poster.save("poster.jpg", ContentFile(poster), save=False)
    with phase("database writes"), transaction.atomic():
        moved = job_move(
            job_id=job.pk,
            to=JobStatus.SUCCEEDED,
            allowed_from={JobStatus.RUNNING},
            gpu_seconds=gpu_seconds,
            progress_step=job.steps,
            progress_total=job.steps,
            timings=phases_so_far(),
        )
        if moved:
            video.save()
            # In this transaction: a held or blocked video is never visible unscreened.
            frames_screen(
                frames=frames,
                prompt=job.prompt,
                submitter=job.owner,
                subject_type=VIDEO_SUBJECT,
                subject_id=video.pk,
            )
    if not moved:  # cancelled meanwhile: keep nothing
        video.file.delete(save=False)
        video.poster.delete(save=False)
        return "interrupted while encoding"
    return JobStatus.SUCCEEDED


def failure_message(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return (
            "The studio's storage is full, so the video could not be saved. "
            "Ask staff to free some space, then try again."
        )
    return (
        f"Generation failed ({type(exc).__name__}). Try again; if it keeps failing, "
        "try fewer frames or steps, or ask staff to check the worker log."
    )


def _job_fail(job_id: int, worker: str, message: str) -> None:
    job_move(
        job_id=job_id,
        to=JobStatus.FAILED,
        allowed_from={JobStatus.RUNNING},
        where={"lease_owner": worker},
        error=message,
    )


def jobs_sweep() -> dict[str, int]:
    """Periodic: re-queue jobs whose worker died (lease expired); fail after the limit.

    The Redis broker does not acknowledge tasks, so a worker killed mid-job loses
    its task; the lease on the Job is what notices. Attempts live on the Job, so
    a job that kills its worker every time cannot loop forever.
    """
    counts = {"requeued": 0, "failed": 0}
    now = timezone.now()
    expired = Job.objects.filter(status=JobStatus.RUNNING, lease_expires_at__lt=now)
    for job in expired.order_by("queued_at", "pk"):
        # The lease condition is repeated in the UPDATE: a worker that renewed in
        # the meantime keeps its job.
        still_expired = {"lease_expires_at__lt": now, "lease_owner": job.lease_owner}
        with transaction.atomic():
            if job.attempts >= settings.JOB_MAX_ATTEMPTS:
                counts["failed"] += job_move(
                    job_id=job.pk,
                    to=JobStatus.FAILED,
                    allowed_from={JobStatus.RUNNING},
                    where=still_expired,
                    error=(
                        f"The worker stopped while making this video {job.attempts} times, so "
                        "it was not retried again. Try fewer frames, a smaller size or fewer steps."
                    ),
                )
            else:
                counts["requeued"] += job_queue(
                    job_id=job.pk, allowed_from={JobStatus.RUNNING}, where=still_expired
                )
    counts["redelivered"] = jobs_redeliver()
    workers_forget_stale()
    return counts


def jobs_redeliver(*, queue_lost: bool = False) -> int:
    """Periodic: hand queued jobs whose task never reached, or fell out of, the queue
    back to the workers, in order.

    Only when the broker's queue is empty (so nothing waiting there could still be
    theirs) and the job was neither queued nor enqueued in the last
    JOB_REDELIVER_SECONDS. `queue_lost` (Redis restarted or came back, see the
    `sweep` command) hands over every queued job at once. A job enqueued twice is
    harmless: the second claim finds it no longer queued.
    """
    try:
        if get_broker().queue_size() and not queue_lost:
            return 0
    except Exception as exc:  # the queue is down: nothing can be handed over now
        log.warning("Cannot look at the task queue (%s); queued jobs wait for it", exc)
        return 0
    stale = timezone.now() - timedelta(seconds=settings.JOB_REDELIVER_SECONDS)
    # Jobs queued only just now may still have their enqueue waiting on a commit.
    lost = Job.objects.filter(status=JobStatus.QUEUED)
    if not queue_lost:
        lost = lost.filter(status_changed_at__lt=stale).filter(
            Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=stale)
        )
    in_order = lost.order_by("queued_at", "pk").values_list("pk", flat=True)
    return sum(job_enqueue(job_id=pk) for pk in in_order)
