"""The worker task run in-process: success, model errors, access re-check."""

from __future__ import annotations

import pytest
from django.test import Client

from generation import tasks
from generation.backends import model_cache_clear
from generation.health import model_state
from generation.models import JobStatus, Video
from tests.jobs import make_job


@pytest.fixture(autouse=True)
def fresh_model_cache():
    model_cache_clear()
    yield
    model_cache_clear()


def test_a_queued_job_becomes_a_stored_video_with_its_facts(alice) -> None:
    job = make_job(alice, num_frames=9, width=64, height=64, steps=2, seed=42)
    assert tasks.job_run(job.pk) == JobStatus.SUCCEEDED
    job.refresh_from_db()
    video = Video.objects.get(job=job)
    assert (job.status, job.progress_step, job.progress_total) == ("succeeded", 2, 2)
    assert (video.num_frames, video.width, video.height, video.fps, video.seed) == (
        9,
        64,
        64,
        8,
        42,
    )
    assert video.duration_seconds == pytest.approx(9 / 8)
    assert video.model_name == "builtin" and video.gpu_seconds > 0
    assert video.file.storage.exists(str(video.file.name))
    assert video.poster.storage.exists(str(video.poster.name))
    assert video.file.size == video.size_bytes


def test_a_job_that_is_no_longer_queued_is_not_run(alice) -> None:
    job = make_job(alice, status=JobStatus.CANCELLED)
    assert tasks.job_run(job.pk) == "not claimed"
    assert not Video.objects.filter(job=job).exists()


def test_an_unloadable_model_fails_the_job_clearly_and_shows_on_healthz(
    alice, settings, tmp_path
) -> None:
    settings.GENERATION_MODEL = str(tmp_path / "no-such-model")
    job = make_job(alice)
    assert tasks.job_run(job.pk) == JobStatus.FAILED
    job.refresh_from_db()
    assert job.error.startswith("The video model could not be loaded:")
    assert "no-such-model" in job.error
    state = model_state()
    assert state is not None and state["ok"] is False
    settings.HEALTH_CHECKS = ["generation.health.check_model"]
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert "no-such-model" in response.json()["checks"]["model"]["detail"]


def test_a_person_revoked_before_the_job_starts_gets_nothing_run(alice) -> None:
    job = make_job(alice)
    alice.is_active = False
    alice.save()
    assert tasks.job_run(job.pk) == JobStatus.CANCELLED
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED and "revoked" in job.error


def test_the_worker_records_where_the_jobs_time_went(alice) -> None:
    job = make_job(alice, num_frames=9, width=64, height=64, steps=2)
    assert tasks.job_run(job.pk) == JobStatus.SUCCEEDED
    job.refresh_from_db()
    timings = job.timings
    for name in ("claim", "model fetch", "denoise", "decode", "encode", "poster", "store"):
        assert timings[name] > 0, name
    assert timings["database writes"] > 0 and timings["broadcasts"] > 0
    parts = sum(value for name, value in timings.items() if name != "wall")
    assert parts == pytest.approx(timings["wall"], abs=0.01)  # each second counted once
