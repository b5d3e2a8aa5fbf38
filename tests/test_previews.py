"""Step previews: a cheap latent-to-RGB picture every few steps, stored privately."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import torch
from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.urls import reverse

from generation import tasks
from generation.backends import LoadedModel, ModelConfig, load_model, run_pipeline
from generation.models import Job, JobStatus
from generation.params import GenerationParams
from generation.previews import PreviewWriter, latents_to_rgb, preview_name
from generation.progress import job_snapshot
from tests.jobs import make_job
from tests.people import signed_in_client


def wan_like_latents() -> torch.Tensor:
    return torch.randn(1, 16, 3, 8, 14, generator=torch.Generator().manual_seed(1))


def test_latents_become_a_small_full_range_rgb_picture() -> None:
    image = latents_to_rgb(wan_like_latents())
    assert image.dtype == np.uint8 and image.shape == (32, 56, 3)
    assert image.min() == 0 and image.max() == 255
    # Different latents give a different picture: it shows the latents, not a constant.
    other = latents_to_rgb(torch.randn(1, 16, 3, 8, 14))
    assert not np.array_equal(image, other)


def test_image_latents_without_a_frame_axis_work_too() -> None:
    assert latents_to_rgb(torch.randn(1, 4, 6, 6)).shape == (24, 24, 3)


@pytest.mark.django_db
def test_every_few_steps_a_preview_is_stored_and_the_snapshot_links_it(
    alice: User, bob: User
) -> None:
    job = make_job(alice, status=JobStatus.RUNNING, steps=10)
    writer = PreviewWriter(job.pk, every=5)
    assert job_snapshot(job)["preview_url"] is None
    writer(4, 10, wan_like_latents())
    assert Job.objects.get(pk=job.pk).preview_step is None
    writer(5, 10, wan_like_latents())
    job.refresh_from_db()
    assert job.preview_step == 5
    assert default_storage.exists(preview_name(job.pk))
    url = job_snapshot(job)["preview_url"]
    assert url == reverse("job_preview", args=[job.pk]) + "?step=5"
    response = signed_in_client(alice).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert body[:2] == b"\xff\xd8"  # a JPEG
    assert signed_in_client(bob).get(url).status_code == 404
    writer(10, 10, wan_like_latents())  # the last step: the video follows instead
    assert Job.objects.get(pk=job.pk).preview_step == 5


@pytest.mark.django_db
def test_a_broken_preview_never_fails_the_job(alice: User) -> None:
    job = make_job(alice, status=JobStatus.RUNNING, steps=10)
    PreviewWriter(job.pk, every=1)(1, 10, "not a tensor")
    assert Job.objects.get(pk=job.pk).preview_step is None


@pytest.fixture(scope="module")
def builtin() -> LoadedModel:
    return load_model(ModelConfig())


def test_the_pipeline_hands_the_latents_to_the_callback(builtin: LoadedModel) -> None:
    seen: list[tuple[int, int, tuple[int, ...]]] = []

    def on_latents(step: int, total: int, latents: Any) -> None:
        seen.append((step, total, tuple(latents.shape)))

    params = GenerationParams(
        prompt="a lighthouse",
        negative_prompt="",
        num_frames=5,
        width=64,
        height=64,
        steps=3,
        guidance=5.0,
        seed=3,
        fps=8,
    )
    run_pipeline(model=builtin, params=params, on_step=lambda s, t: None, on_latents=on_latents)
    assert [(s, t) for s, t, _ in seen] == [(1, 3), (2, 3), (3, 3)]
    assert seen[0][2][:2] == (1, 16)


@pytest.mark.django_db
def test_a_worker_run_stores_previews_and_the_finished_job_links_none(
    alice: User, settings: Any
) -> None:
    settings.GENERATION_PREVIEW_EVERY = 2
    job = make_job(alice, num_frames=5, width=64, height=64, steps=5, seed=4)
    assert tasks.job_run(job.pk) == JobStatus.SUCCEEDED
    job.refresh_from_db()
    assert job.preview_step == 4
    assert default_storage.exists(preview_name(job.pk))
    assert job_snapshot(job)["preview_url"] is None  # the video is what it shows now


@pytest.mark.django_db
def test_live_updates_during_a_run_link_the_latest_preview(
    alice: User, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Step updates are built from the worker's own copy of the job (no read per
    step): that copy must carry each new preview, or pages never show one."""
    settings.GENERATION_PREVIEW_EVERY = 2
    sent: list[dict[str, Any]] = []

    def record(*, job_id: int, job: Job | None = None) -> None:
        if job is not None:
            sent.append(job_snapshot(job))

    monkeypatch.setattr(tasks, "job_broadcast", record)
    monkeypatch.setattr(tasks, "BROADCAST_INTERVAL", 0.0)  # every step, not every 0.1 s
    job = make_job(alice, num_frames=5, width=64, height=64, steps=5, seed=4)
    assert tasks.job_run(job.pk) == JobStatus.SUCCEEDED
    running = [s for s in sent if s["status"] == JobStatus.RUNNING]
    urls = [s["preview_url"] for s in running]
    assert urls[0] is None, "no preview before the first one is made"
    assert f"{reverse('job_preview', args=[job.pk])}?step=2" in urls
    assert f"{reverse('job_preview', args=[job.pk])}?step=4" in urls
