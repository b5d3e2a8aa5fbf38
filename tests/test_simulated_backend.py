"""GENERATION_MODEL=simulated:<seconds>: the fleet tests' stand-in for a GPU."""

from __future__ import annotations

import time

import av
import numpy as np
import pytest

from generation import tasks
from generation.backends import ModelLoadError, get_model, model_cache_clear, run_pipeline
from generation.models import JobStatus, Video
from generation.params import GenerationParams
from tests.jobs import make_job


@pytest.fixture(autouse=True)
def fresh_model_cache():
    model_cache_clear()
    yield
    model_cache_clear()


def params(steps: int, seed: int = 3) -> GenerationParams:
    return GenerationParams(
        prompt="anything", negative_prompt="", num_frames=5, width=64, height=64,
        steps=steps, guidance=5.0, seed=seed, fps=8,
    )  # fmt: skip


def test_it_spends_the_given_time_per_step_without_the_cpu(settings) -> None:
    settings.GENERATION_MODEL = "simulated:0.1"
    model = get_model()
    steps: list[tuple[int, int]] = []
    wall, cpu = time.monotonic(), time.process_time()
    frames = run_pipeline(model=model, params=params(4), on_step=lambda i, n: steps.append((i, n)))
    wall, cpu = time.monotonic() - wall, time.process_time() - cpu
    assert steps == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert wall >= 0.4 and cpu < 0.2
    assert frames.shape == (5, 64, 64, 3) and frames.dtype == np.uint8
    assert len(np.unique(frames.reshape(-1, 3), axis=0)) == 1  # one solid colour


def test_a_job_on_the_simulation_becomes_a_video_named_as_one(alice, settings) -> None:
    settings.GENERATION_MODEL = "simulated:0"
    job = make_job(alice, steps=2)
    assert tasks.job_run(job.pk) == JobStatus.SUCCEEDED
    video = Video.objects.get(job=job)
    assert video.model_name == "simulated:0"
    with video.file.open("rb") as handle, av.open(handle) as container:
        assert container.streams.video[0].frames == 5


@pytest.mark.parametrize("name", ["simulated:abc", "simulated:-1", "simulated:"])
def test_a_malformed_simulation_says_what_to_write(settings, name) -> None:
    settings.GENERATION_MODEL = name
    with pytest.raises(ModelLoadError, match=r"e\.g\. simulated:0\.5"):
        get_model()
