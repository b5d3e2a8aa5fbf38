"""Screening the video: the frame hook, held videos, and a moderator's decision."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
import pytest
from django.urls import reverse

from generation import tasks
from generation.backends import model_cache_clear
from generation.models import JobStatus, Video
from moderation.classifiers import _load
from moderation.models import Screening
from moderation.services import frames_sample, frames_screen
from tests.jobs import make_job
from tests.people import form_post
from tests.test_media import make_video

pytestmark = pytest.mark.django_db
SEEN: list[tuple[tuple[int, ...], str, str]] = []


def flagging(*, frames: np.ndarray, prompt: str) -> Mapping[str, float]:
    SEEN.append((frames.shape, str(frames.dtype), prompt))
    return {"sexual_explicit": 0.7, "gore": 0.1}


def blocking(*, frames: np.ndarray, prompt: str) -> Mapping[str, float]:
    return {"sexual_explicit": 0.95}


def calm(*, frames: np.ndarray, prompt: str) -> Mapping[str, float]:
    return {"sexual_explicit": 0.01}


def broken(*, frames: np.ndarray, prompt: str) -> Mapping[str, float]:
    raise RuntimeError("model missing")


@pytest.fixture(autouse=True)
def fresh_caches() -> Iterator[None]:
    model_cache_clear()
    _load.cache_clear()
    SEEN.clear()
    yield
    _load.cache_clear()
    model_cache_clear()


def run_with(settings: Any, owner: Any, classifier: str, **fields: Any) -> Video:
    settings.MODERATION_FRAME_CLASSIFIERS = [f"{__name__}.{classifier}"]
    settings.MODERATION_FRAME_SAMPLES = 4
    job = make_job(owner, num_frames=9, prompt="a quiet beach at dawn", **fields)
    assert tasks.job_run(job.pk) == JobStatus.SUCCEEDED
    return Video.objects.get(job=job)


def held_video(settings: Any, owner: Any, *, shared: bool = False) -> Video:
    """A stored video held by the frame screening, without running the model (fast)."""
    settings.MODERATION_FRAME_CLASSIFIERS = [f"{__name__}.flagging"]
    video = make_video(owner, shared=shared)
    frames_screen(
        frames=np.zeros((3, 8, 8, 3), dtype=np.uint8),
        prompt=video.job.prompt,
        submitter=owner,
        subject_type="generation.video",
        subject_id=video.pk,
    )
    video.refresh_from_db()
    assert video.held
    return video


def test_no_frame_classifier_is_configured_by_default(settings: Any, alice: Any) -> None:
    assert settings.MODERATION_FRAME_CLASSIFIERS == []
    job = make_job(alice)
    assert tasks.job_run(job.pk) == JobStatus.SUCCEEDED
    assert not Video.objects.get(job=job).held
    assert not Screening.objects.filter(subject_type="generation.video").exists()


def test_the_classifier_gets_sampled_uint8_frames_and_the_prompt(settings: Any, alice: Any) -> None:
    run_with(settings, alice, "flagging")
    [(shape, dtype, prompt)] = SEEN
    assert (shape[0], shape[3], dtype, prompt) == (4, 3, "uint8", "a quiet beach at dawn")


def test_sampling_spreads_over_the_clip_and_scales_floats() -> None:
    frames = np.linspace(0, 1, 9)[:, None, None, None] * np.ones((9, 2, 2, 3))
    sampled = frames_sample(frames, count=3)
    assert sampled.dtype == np.uint8
    assert [int(f[0, 0, 0]) for f in sampled] == [0, 128, 255]
    with pytest.raises(ValueError, match="T x H x W x 3"):
        frames_sample(np.zeros((2, 2, 2)), count=1)


def test_a_low_score_publishes_the_video(settings: Any, alice: Any) -> None:
    video = run_with(settings, alice, "calm")
    assert not video.held and not video.removed
    assert Screening.objects.get(subject_id=video.pk).verdict == "allow"


def test_a_flagged_video_is_held_and_waits_in_the_queue(settings: Any, alice: Any) -> None:
    video = run_with(settings, alice, "flagging")
    assert video.held and not video.removed
    screening = Screening.objects.get(subject_type="generation.video", subject_id=video.pk)
    assert (screening.verdict, screening.category, screening.review_status) == (
        "flag",
        "sexual_explicit",
        "pending",
    )
    assert screening.classifier_scores == {
        f"{__name__}.flagging": {"sexual_explicit": 0.7, "gore": 0.1}
    }


def test_a_blocked_video_is_removed_at_once(settings: Any, alice: Any) -> None:
    video = run_with(settings, alice, "blocking")
    assert video.removed and not video.held and not video.in_community
    assert "removed" in video.hidden_reason


def test_a_classifier_that_raises_holds_the_video(settings: Any, alice: Any) -> None:
    video = run_with(settings, alice, "broken")
    assert video.held
    screening = Screening.objects.get(subject_id=video.pk, subject_type="generation.video")
    assert screening.classifier_scores == {f"{__name__}.broken": {"error": "RuntimeError"}}


def test_a_held_video_is_invisible_to_everyone_else(
    settings: Any, alice: Any, bob: Any, client_for: Any
) -> None:
    video = held_video(settings, alice, shared=True)
    other = client_for(bob)
    for name in ("video_detail", "video_media", "video_poster", "video_remix"):
        assert other.get(reverse(name, args=[video.pk])).status_code == 404, name
    assert f'data-video-id="{video.pk}"' not in other.get(reverse("community")).content.decode()
    # The owner sees the notice, but not the media: a person has not looked yet.
    owner = client_for(alice)
    page = owner.get(reverse("video_detail", args=[video.pk])).content.decode()
    assert "Held for review" in page
    assert owner.get(reverse("video_media", args=[video.pk])).status_code == 404
    listed = owner.get(reverse("api_videos")).json()["results"][0]
    assert (listed["held"], listed["url"], listed["poster_url"]) == (True, None, None)
    job_page = owner.get(reverse("job_detail", args=[video.job_id])).content.decode()
    assert "Held for review" in job_page and "<video" not in job_page


def test_a_moderator_sees_the_held_video_with_its_scores(
    settings: Any, alice: Any, mod: Any, client_for: Any
) -> None:
    video = held_video(settings, alice)
    screening = Screening.objects.get(subject_type="generation.video", subject_id=video.pk)
    client = client_for(mod)
    queue = client.get(reverse("admin:moderation_queue")).content.decode()
    assert reverse("admin:moderation_screening_review", args=[screening.pk]) in queue
    page = client.get(
        reverse("admin:moderation_screening_review", args=[screening.pk])
    ).content.decode()
    assert reverse("video_media", args=[video.pk]) in page and "0.7" in page
    assert client.get(reverse("video_media", args=[video.pk])).status_code == 200


def test_approving_a_held_video_publishes_it(
    settings: Any,
    alice: Any,
    bob: Any,
    mod: Any,
    client_for: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    video = held_video(settings, alice, shared=True)
    screening = Screening.objects.get(subject_type="generation.video", subject_id=video.pk)
    url = reverse("admin:moderation_screening_review", args=[screening.pk])
    with django_capture_on_commit_callbacks(execute=True):
        form_post(client_for(mod), url, {"decision": "approve", "reason": ""})
    video.refresh_from_db()
    assert not video.held and video.in_community
    assert client_for(bob).get(reverse("video_media", args=[video.pk])).status_code == 200


def test_rejecting_a_held_video_removes_it_with_the_reason(
    settings: Any,
    alice: Any,
    mod: Any,
    client_for: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    video = held_video(settings, alice)
    screening = Screening.objects.get(subject_type="generation.video", subject_id=video.pk)
    url = reverse("admin:moderation_screening_review", args=[screening.pk])
    with django_capture_on_commit_callbacks(execute=True):
        form_post(client_for(mod), url, {"decision": "reject", "reason": "Explicit frames."})
    video.refresh_from_db()
    assert (video.held, video.removed, video.hidden_reason) == (False, True, "Explicit frames.")
    page = client_for(alice).get(reverse("video_detail", args=[video.pk])).content.decode()
    assert "Explicit frames." in page
    assert client_for(alice).get(reverse("video_media", args=[video.pk])).status_code == 404
