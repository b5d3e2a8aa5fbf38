"""Appeals: once per refusal, with a message, decided in the queue, told live."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from django.urls import reverse

from access.models import AuditEvent
from generation import progress
from generation import services as generation_services
from generation.models import Job, JobStatus
from generation.progress import user_group
from moderation.classifiers import _load
from moderation.models import Appeal, Screening
from moderation.services import frames_screen, screen_text
from tests.jobs import make_job
from tests.people import form_post
from tests.test_media import make_video

pytestmark = pytest.mark.django_db
BLOCKED_PROMPT = "graphic gore with severed limbs"


def blocking_frames(*, frames: np.ndarray, prompt: str) -> dict[str, float]:
    return {"sexual_explicit": 0.97}


@pytest.fixture
def refused(alice: Any) -> Job:
    """A prompt the rules blocked, as submission leaves it."""
    job = make_job(alice, status=JobStatus.REJECTED, prompt=BLOCKED_PROMPT)
    screening = screen_text(
        text=BLOCKED_PROMPT, submitter=alice, subject_type="generation.job", subject_id=job.pk
    )
    assert screening.verdict == "block"
    Job.objects.filter(pk=job.pk).update(moderation_reason=screening.public_reason)
    return job


@pytest.fixture
def told(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, Any]]]:
    """What the artist's open pages were sent (the real message, before the layer)."""
    sent: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(progress, "group_send", lambda group, msg: sent.append((group, msg)))
    return sent


@pytest.fixture
def no_worker(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Queued jobs are recorded, not run (the worker has its own tests)."""
    enqueued: list[int] = []
    monkeypatch.setattr(generation_services, "job_enqueue", lambda job_id: enqueued.append(job_id))
    return enqueued


def appeal(client: Any, job: Job, message: str) -> str:
    response = form_post(
        client,
        reverse("job_appeal", args=[job.pk]),
        {"message": message},
        page=reverse("job_detail", args=[job.pk]),
    )
    assert response.status_code == 302
    return client.get(reverse("job_detail", args=[job.pk])).content.decode()


def test_an_artist_appeals_a_refusal_once_with_a_message(
    refused: Job, alice: Any, client_for: Any
) -> None:
    client = client_for(alice)
    page = client.get(reverse("job_detail", args=[refused.pk])).content.decode()
    assert "You can appeal once" in page
    page = appeal(client, refused, "It is a zombie film prop, not a person.")
    [filed] = Appeal.objects.all()
    assert (filed.status, filed.appellant, filed.message) == (
        "pending",
        alice,
        "It is a zombie film prop, not a person.",
    )
    assert "Your appeal is with a moderator." in page and "You can appeal once" not in page
    page = appeal(client, refused, "Please look again.")
    assert "already appealed" in page
    assert Appeal.objects.count() == 1
    assert AuditEvent.objects.filter(action="moderation.appeal.create").count() == 1


def test_an_appeal_needs_a_message_and_a_refusal(
    refused: Job, alice: Any, bob: Any, client_for: Any
) -> None:
    client = client_for(alice)
    assert "Say why" in appeal(client, refused, "   ")
    finished = make_job(alice, status=JobStatus.SUCCEEDED)
    assert "no refusal here" in appeal(client, finished, "why not")
    other = form_post(
        client_for(bob),
        reverse("job_appeal", args=[refused.pk]),
        {"message": "mine now"},
        page=reverse("job_create"),
    )
    assert other.status_code == 404
    assert not Appeal.objects.exists()


def test_the_appeal_waits_in_the_queue_with_the_original_verdict(
    refused: Job, alice: Any, mod: Any, client_for: Any
) -> None:
    appeal(client_for(alice), refused, "A special-effects test.")
    filed = Appeal.objects.get()
    client = client_for(mod)
    queue = client.get(reverse("admin:moderation_queue")).content.decode()
    review = reverse("admin:moderation_appeal_review", args=[filed.pk])
    assert review in queue and "A special-effects test." in queue
    page = client.get(review).content.decode()
    assert "A special-effects test." in page and "Block" in page and "Graphic gore" in page


def test_granting_queues_the_job_and_tells_the_artist_at_once(
    refused: Job,
    alice: Any,
    mod: Any,
    client_for: Any,
    told: list[tuple[str, dict[str, Any]]],
    no_worker: list[int],
    django_capture_on_commit_callbacks: Any,
) -> None:
    appeal(client_for(alice), refused, "A film prop.")
    review = reverse("admin:moderation_appeal_review", args=[Appeal.objects.get().pk])
    client = client_for(mod)
    assert "Give a reason" in form_post(client, review, {"decision": "grant"}).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        form_post(client, review, {"decision": "grant", "reason": "Clearly a prop."})
    refused.refresh_from_db()
    assert refused.status == JobStatus.QUEUED and no_worker == [refused.pk]
    assert Appeal.objects.get().status == "granted"
    [message] = [m for _, m in told if m["type"] == "appeal.decided"]
    assert message == {
        "type": "appeal.decided",
        "job_id": refused.pk,
        "granted": True,
        "message": "Appeal granted: Clearly a prop.",
    }
    assert {g for g, m in told if m["type"] == "appeal.decided"} == {user_group(alice.pk)}
    assert any(m["type"] == "job.update" and m["job"]["status"] == "queued" for _, m in told)


def test_turning_down_keeps_the_refusal_and_gives_the_reason(
    refused: Job,
    alice: Any,
    mod: Any,
    client_for: Any,
    told: list[tuple[str, dict[str, Any]]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    appeal(client_for(alice), refused, "A film prop.")
    review = reverse("admin:moderation_appeal_review", args=[Appeal.objects.get().pk])
    with django_capture_on_commit_callbacks(execute=True):
        form_post(client_for(mod), review, {"decision": "deny", "reason": "Real injuries shown."})
    refused.refresh_from_db()
    assert refused.status == JobStatus.REJECTED
    assert [m["message"] for _, m in told if m["type"] == "appeal.decided"] == [
        "Appeal turned down: Real injuries shown."
    ]
    page = client_for(alice).get(reverse("job_detail", args=[refused.pk])).content.decode()
    assert "Appeal turned down: Real injuries shown." in page
    assert "You can appeal once" not in page
    # Decided once: a second decision changes nothing.
    form_post(client_for(mod), review, {"decision": "grant", "reason": "Changed my mind."})
    assert Appeal.objects.get().status == "denied"


def test_a_video_the_frame_screening_removed_can_be_appealed_and_restored(
    settings: Any,
    alice: Any,
    mod: Any,
    client_for: Any,
    told: list[tuple[str, dict[str, Any]]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    _load.cache_clear()
    settings.MODERATION_FRAME_CLASSIFIERS = [f"{__name__}.blocking_frames"]
    video = make_video(alice)
    frames_screen(
        frames=np.zeros((3, 4, 4, 3), dtype=np.uint8),
        prompt=video.job.prompt,
        submitter=alice,
        subject_type="generation.video",
        subject_id=video.pk,
    )
    video.refresh_from_db()
    assert video.removed
    page = appeal(client_for(alice), video.job, "It is a beach scene.")
    assert "Your appeal is with a moderator." in page
    filed = Appeal.objects.get()
    assert filed.screening == Screening.objects.get(subject_type="generation.video")
    review = reverse("admin:moderation_appeal_review", args=[filed.pk])
    with django_capture_on_commit_callbacks(execute=True):
        form_post(client_for(mod), review, {"decision": "grant", "reason": "False alarm."})
    video.refresh_from_db()
    assert not video.removed and not video.hidden
    assert client_for(alice).get(reverse("video_media", args=[video.pk])).status_code == 200
    assert "Appeal granted: False alarm." in [m.get("message") for _, m in told]
    _load.cache_clear()
