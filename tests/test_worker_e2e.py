"""A real `manage.py qcluster` runs jobs end to end, and survives SIGKILL mid-job.

Uses the embedded Redis (or REDIS_URL in CI) and the test database (SQLite file
or PostgreSQL in CI), shared with the worker subprocess.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django_q.conf import Conf
from django_q.models import Task

from generation import tasks
from generation.encoding import probe_video
from generation.models import Job, JobStatus, Video
from generation.services import job_enqueue
from generation.transitions import job_move
from tests.jobs import make_job, make_user
from tests.services import ROOT, subprocess_env

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker_queue(clean_redis: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Send tasks through the real broker instead of running them inline."""
    monkeypatch.setattr(Conf, "SYNC", False)
    monkeypatch.setattr(Conf, "REDIS", clean_redis)
    return clean_redis


@pytest.fixture
def qcluster(worker_queue: str, tmp_path: Path, settings) -> Iterator[subprocess.Popen[str]]:
    env = subprocess_env(
        tmp_path / "var",
        REDIS_URL=worker_queue,
        JOB_LEASE_SECONDS="5",
    )
    # Worker and test must store media in the same place.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "var" / "media", "base_url": None},
        },
    }
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "qcluster"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    yield process
    os.killpg(process.pid, signal.SIGTERM)
    try:
        output, _ = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
    print("--- qcluster output ---\n" + output[-5000:])


def wait_for(job: Job, predicate, timeout: float, what: str) -> Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if predicate(job):
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job.pk} never {what}; last status {job.status}: {job.error}")


def test_a_real_worker_turns_a_queued_job_into_a_playable_video(qcluster) -> None:
    alice = make_user("alice@example.com")
    job = make_job(alice, status=JobStatus.QUEUED, num_frames=9, width=64, height=64, steps=3)
    job_enqueue(job_id=job.pk)
    job = wait_for(job, lambda j: j.status not in ("queued", "running"), 120, "finished")
    assert job.status == JobStatus.SUCCEEDED, job.error
    video = job.video
    info = probe_video(Path(default_storage.path(str(video.file.name))))
    assert (info.codec, info.pix_fmt) == ("h264", "yuv420p")
    assert (info.frames, info.width, info.height) == (9, 64, 64)
    assert (video.num_frames, video.width, video.height, video.seed) == (9, 64, 64, 7)
    assert video.gpu_seconds > 0 and video.size_bytes > 0
    assert job.attempts == 1 and job.progress_step == 3


def test_sigkill_of_the_worker_mid_job_ends_with_the_job_rerun(qcluster, settings) -> None:
    settings.JOB_MAX_ATTEMPTS = 3
    alice = make_user("alice@example.com")
    job = make_job(alice, status=JobStatus.QUEUED, num_frames=33, width=128, height=128, steps=50)
    job_enqueue(job_id=job.pk)
    job = wait_for(job, lambda j: j.status == "running" and j.progress_step >= 1, 120, "started")
    worker_pid = int(job.lease_owner.rsplit(":", 1)[1])
    os.kill(worker_pid, signal.SIGKILL)
    # The lease (5 s in the worker) runs out; the periodic sweep re-queues the job.
    job = wait_for(job, lambda j: j.lease_expires_at is not None and _expired(j), 30, "expired")
    assert tasks.jobs_sweep()["requeued"] == 1
    job = wait_for(job, lambda j: j.status not in ("queued", "running"), 180, "finished")
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.attempts == 2


def test_a_job_cancelled_while_running_stops_and_keeps_no_video(qcluster) -> None:
    alice = make_user("alice@example.com")
    job = make_job(alice, status=JobStatus.QUEUED, num_frames=33, width=128, height=128, steps=50)
    job_enqueue(job_id=job.pk)
    job = wait_for(job, lambda j: j.status == "running" and j.progress_step >= 1, 120, "started")
    assert job_move(job_id=job.pk, to=JobStatus.CANCELLED)
    seen_step = job.progress_step
    result = wait_for_task_result(f"job-{job.pk}", timeout=60)
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED
    assert result.startswith("interrupted at step "), result
    interrupted_at = int(result.split()[3])
    # The worker may have been one step ahead of what we read when we cancelled.
    assert interrupted_at <= seen_step + 2 < job.steps
    assert not Video.objects.filter(job=job).exists()


def wait_for_task_result(name: str, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        task = Task.objects.filter(name=name).first()
        if task is not None:
            return str(task.result)
        time.sleep(0.2)
    raise AssertionError(f"task {name} never finished")


def _expired(job: Job) -> bool:
    from django.utils import timezone

    return job.lease_expires_at is not None and job.lease_expires_at < timezone.now()
