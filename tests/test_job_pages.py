"""The job page, its JSON status and cancelling: the owner's alone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from generation.models import Job, JobStatus
from generation.progress import eta_text
from tests.jobs import csrf_token, make_job
from tests.people import signed_in_client
from tests.test_media import body, make_video


def test_the_owner_sees_prompt_status_progress_and_cancel(alice) -> None:
    job = make_job(
        alice, prompt="a koi pond in the rain", status=JobStatus.RUNNING, steps=4, progress_step=2
    )
    job.progress_total = 4
    job.save(update_fields=["progress_total"])
    response = signed_in_client(alice).get(reverse("job_detail", args=[job.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "a koi pond in the rain" in page
    assert '<span class="badge running" data-field="status">Running</span>' in page
    assert '<div class="progress" data-field="bar-track"><div class="bar w-10"' in page
    assert '<span data-field="phase">Step 2 of 4</span>' in page
    assert reverse("job_cancel", args=[job.pk]) in page
    assert "js/live.js" in page


def test_a_queued_job_shows_its_place_in_the_queue(alice, bob) -> None:
    now = timezone.now()
    make_job(bob, queued_at=now - timedelta(minutes=1))  # ahead of alice
    job = make_job(alice, queued_at=now)
    page = signed_in_client(alice).get(reverse("job_detail", args=[job.pk])).content.decode()
    assert "#2 in the queue" in page


def test_a_held_job_says_it_is_held_with_the_public_category(alice) -> None:
    job = make_job(alice, status=JobStatus.HELD, moderation_category="Real people")
    page = signed_in_client(alice).get(reverse("job_detail", args=[job.pk])).content.decode()
    assert "Held for review: Real people" in page
    assert '<div class="progress hidden" data-field="bar-track">' in page  # no empty bar


def test_a_rejected_job_shows_the_reason(alice) -> None:
    job = make_job(
        alice, status=JobStatus.REJECTED, moderation_reason="Violent content is not allowed."
    )
    page = signed_in_client(alice).get(reverse("job_detail", args=[job.pk])).content.decode()
    assert "Rejected: Violent content is not allowed." in page
    assert reverse("job_cancel", args=[job.pk]) in page  # the form exists but is hidden
    assert 'class="inline hidden" data-show-when="active"' in page


def test_a_failed_job_shows_its_error(alice) -> None:
    job = make_job(alice, status=JobStatus.FAILED, error="The worker ran out of memory.")
    page = signed_in_client(alice).get(reverse("job_detail", args=[job.pk])).content.decode()
    assert "The worker ran out of memory." in page


def test_a_finished_job_shows_the_player_with_its_poster(alice) -> None:
    video = make_video(alice)
    page = signed_in_client(alice).get(reverse("job_detail", args=[video.job_id])).content.decode()
    media = reverse("video_media", args=[video.pk])
    poster = reverse("video_poster", args=[video.pk])
    assert f'poster="{poster}" src="{media}"' in page
    assert reverse("video_detail", args=[video.pk]) in page


def test_the_job_page_lists_the_adjustments(alice) -> None:
    note = "Frame count 10 was adjusted to 9 (this model needs 4k+1 frames)."
    job = make_job(alice, adjustments=[note])
    page = signed_in_client(alice).get(reverse("job_detail", args=[job.pk])).content.decode()
    assert note in page


def test_another_artist_gets_404_for_my_job_page_and_status(alice, bob) -> None:
    job = make_job(alice)
    client = signed_in_client(bob)
    assert client.get(reverse("job_detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("job_status", args=[job.pk])).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(alice) -> None:
    job = make_job(alice)
    for name in ("job_detail", "job_status"):
        response = signed_in_client(None).get(reverse(name, args=[job.pk]))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_status_json_is_the_live_snapshot(alice) -> None:
    job = make_job(alice, status=JobStatus.HELD, moderation_category="Real people", seed=99)
    response = signed_in_client(alice).get(reverse("job_status", args=[job.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    data = response.json()
    assert (data["id"], data["status"], data["status_label"]) == (job.pk, "held", "Held for review")
    assert (data["moderation_category"], data["seed"], data["video"]) == ("Real people", 99, None)
    assert data["detail_url"] == reverse("job_detail", args=[job.pk])


def test_status_json_of_a_finished_job_links_the_video(alice) -> None:
    video = make_video(alice)
    data = signed_in_client(alice).get(reverse("job_status", args=[video.job_id])).json()
    assert data["video"]["url"] == reverse("video_media", args=[video.pk])
    assert data["video"]["poster_url"] == reverse("video_poster", args=[video.pk])


def test_the_owner_can_cancel_an_active_job(alice) -> None:
    job = make_job(alice)
    client = signed_in_client(alice)
    response = client.post(
        reverse("job_cancel", args=[job.pk]), {"csrfmiddlewaretoken": csrf_token(client)}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("job_detail", args=[job.pk])
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED
    assert "Cancelled." in client.get(response["Location"]).content.decode()


def test_cancelling_a_finished_job_changes_nothing_and_says_so(alice) -> None:
    video = make_video(alice)
    client = signed_in_client(alice)
    response = client.post(
        reverse("job_cancel", args=[video.job_id]),
        {"csrfmiddlewaretoken": csrf_token(client)},
        follow=True,
    )
    assert "already finished" in response.content.decode()
    video.job.refresh_from_db()
    assert video.job.status == JobStatus.SUCCEEDED


def test_another_artist_cannot_cancel_my_job(alice, bob) -> None:
    job = make_job(alice)
    client = signed_in_client(bob)
    response = client.post(
        reverse("job_cancel", args=[job.pk]), {"csrfmiddlewaretoken": csrf_token(client)}
    )
    assert response.status_code == 404
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED


def test_cancel_needs_a_post_with_a_csrf_token(alice) -> None:
    job = make_job(alice)
    client = signed_in_client(alice)
    assert client.get(reverse("job_cancel", args=[job.pk])).status_code == 405
    assert client.post(reverse("job_cancel", args=[job.pk])).status_code == 403
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED


def test_a_submitted_prompt_ends_as_a_playable_video_on_its_page(
    alice, django_capture_on_commit_callbacks
) -> None:
    """The whole path with the built-in model: django-q runs the task inline in tests."""
    client = signed_in_client(alice)
    token = csrf_token(client)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("job_create"),
            {
                "prompt": "a paper lantern rising",
                "aspect": "1:1",
                "num_frames": "5",
                "steps": "2",
                "csrfmiddlewaretoken": token,
            },
        )
    job = Job.objects.get()
    assert response["Location"] == reverse("job_detail", args=[job.pk])
    assert job.status == JobStatus.SUCCEEDED, job.error
    page = client.get(response["Location"]).content.decode()
    media = reverse("video_media", args=[job.video.pk])
    assert f'src="{media}"' in page
    video = client.get(media, HTTP_RANGE="bytes=0-7")
    assert video.status_code == 206
    assert body(video)[4:8] == b"ftyp"  # an MP4 header


@pytest.mark.parametrize(
    ("status", "step", "phase", "show_bar"),
    [
        (JobStatus.SCREENING, 0, "Checking the prompt…", False),
        (JobStatus.HELD, 0, "", False),  # the moderation notice says it instead
        (JobStatus.QUEUED, 0, "Waiting for a GPU", True),
        (JobStatus.RUNNING, 0, "Starting: loading the model and reading the prompt…", True),
        (JobStatus.RUNNING, 3, "Step 3 of 4", True),
        (JobStatus.RUNNING, 4, "Encoding the video…", True),
        (
            JobStatus.PAUSED,
            2,
            "Paused with the studio: it runs again when the studio resumes.",
            True,
        ),
        (JobStatus.SUCCEEDED, 4, "", False),
        (JobStatus.CANCELLED, 1, "", False),
    ],
)
def test_the_snapshot_says_what_the_job_is_doing(alice, status, step, phase, show_bar) -> None:
    job = make_job(alice, status=status, steps=4, progress_step=step)
    snapshot = signed_in_client(alice).get(reverse("job_status", args=[job.pk])).json()
    assert (snapshot["phase"], snapshot["show_bar"]) == (phase, show_bar)


def test_the_page_and_the_live_snapshot_say_the_same_sentences(alice, bob) -> None:
    """live.js copies the snapshot's texts in; the page renders the same ones, so a
    job reads the same before and after its first live update."""
    now = timezone.now()
    make_job(bob, queued_at=now - timedelta(minutes=1))
    queued = make_job(alice, queued_at=now)
    held = make_job(alice, status=JobStatus.HELD, moderation_category="Real people")
    client = signed_in_client(alice)
    for job, field, sentence in (
        (queued, "queue_text", "#2 in the queue"),
        (
            held,
            "moderation_text",
            "Held for review: Real people. A moderator will look at it soon.",
        ),
    ):
        snapshot = client.get(reverse("job_status", args=[job.pk])).json()
        assert snapshot[field] == sentence
        assert sentence in client.get(reverse("job_detail", args=[job.pk])).content.decode()


def test_eta_wording_rounds_half_up_and_turns_to_minutes_at_90_seconds() -> None:
    assert [eta_text(s) for s in (None, 0.2, 12.5, 89.4, 150)] == [
        "",
        "about 1 s left",
        "about 13 s left",
        "about 89 s left",
        "about 3 min left",
    ]
