"""The create form: validation, seeds, variations, adjustments, refusals, remix."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from access.errors import ErrorCode
from access.policy import Decision
from generation.models import Job
from generation.services import MAX_SEED
from tests.people import signed_in_client
from tests.test_media import make_video


def submit(client: Client, **fields: Any) -> Any:
    """GET the form (for its CSRF cookie), then POST it like a browser."""
    page = client.get(reverse("job_create"))
    assert page.status_code == 200
    data = {"prompt": "a paper boat on a rainy street", "aspect": "16:9", **fields}
    data["csrfmiddlewaretoken"] = client.cookies["csrftoken"].value
    return client.post(reverse("job_create"), {k: v for k, v in data.items() if v is not None})


def test_the_front_page_is_the_create_form(alice) -> None:
    response = signed_in_client(alice).get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("job_create")


def test_anonymous_visitors_are_sent_to_sign_in() -> None:
    response = Client().get(reverse("job_create"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_form_offers_each_aspect_and_its_sizes(alice) -> None:
    page = signed_in_client(alice).get(reverse("job_create")).content.decode()
    for aspect in ("16:9", "9:16", "1:1"):
        assert f'<optgroup label="{aspect}">' in page
    assert "112\u00d764 (small)" in page and "224\u00d7128 (large)" in page
    assert "js/form.js" in page and "js/live.js" in page


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"prompt": ""}, "Describe the video you want."),
        ({"prompt": "x" * (settings.GENERATION_MAX_PROMPT_CHARS + 1)}, "Keep this under"),
        ({"negative_prompt": "x" * (settings.GENERATION_MAX_PROMPT_CHARS + 1)}, "Keep this under"),
        ({"aspect": "4:3"}, "Choose one of the listed aspect ratios."),
        ({"resolution": "9999x9999"}, "Choose one of the listed sizes."),
        ({"resolution": "64x112"}, "For 16:9 choose one of these sizes"),
        ({"num_frames": "0"}, "A video needs at least one frame."),
        ({"num_frames": "1000"}, "At most 33 frames."),
        ({"num_frames": "nine"}, "Enter a whole number."),
        ({"duration": "60"}, "The longest video is 4.1 seconds."),
        ({"duration": "2", "num_frames": "9"}, "Give a duration or a frame count, not both."),
        ({"steps": "0"}, "At least one step."),
        ({"steps": str(settings.GENERATION_MAX_STEPS + 1)}, "At most"),
        ({"guidance": "-1"}, "Guidance cannot be negative."),
        ({"guidance": str(settings.GENERATION_MAX_GUIDANCE + 1)}, "Guidance is at most"),
        ({"seed": "-1"}, "A seed is a whole number from 0."),
        ({"seed": str(MAX_SEED + 1)}, "A seed is at most"),
        ({"variations": "0"}, "At least one variation."),
        ({"variations": str(settings.GENERATION_MAX_VARIATIONS + 1)}, "variations at once"),
    ],
)
def test_out_of_range_input_shows_a_field_error_and_creates_nothing(alice, fields, error) -> None:
    response = submit(signed_in_client(alice), **fields)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert Job.objects.count() == 0


def test_one_job_goes_to_its_page_with_the_settings_asked_for(alice) -> None:
    response = submit(
        signed_in_client(alice),
        aspect="9:16",
        resolution="128x224",
        num_frames="13",
        steps="3",
        guidance="7.5",
        seed="1234",
        negative_prompt="blurry",
    )
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("job_detail", args=[job.pk])
    assert (job.owner, job.aspect, job.width, job.height) == (alice, "9:16", 128, 224)
    assert (job.num_frames, job.steps, job.guidance, job.seed) == (13, 3, 7.5, 1234)
    assert (job.negative_prompt, job.seed_was_random, job.adjustments) == ("blurry", False, [])


def test_blank_fields_take_the_defaults(alice) -> None:
    submit(signed_in_client(alice), steps="", guidance="", variations="")
    job = Job.objects.get()
    assert (job.width, job.height) == (112, 64)  # the first 16:9 preset
    assert job.num_frames == settings.GENERATION_DEFAULT_FRAMES
    assert (job.steps, job.guidance, job.fps) == (
        settings.GENERATION_DEFAULT_STEPS,
        5.0,
        settings.GENERATION_FPS,
    )


def test_a_duration_becomes_a_frame_count(alice) -> None:
    submit(signed_in_client(alice), duration="2")  # 2 s at 8 fps = 16 frames -> 17 (4k+1)
    job = Job.objects.get()
    assert job.num_frames == 17
    assert job.adjustments == ["Frame count 16 was adjusted to 17 (this model needs 4k+1 frames)."]


def test_a_blank_seed_records_the_random_seed_used(alice, monkeypatch) -> None:
    monkeypatch.setattr("generation.forms.random_seed", lambda: 987654)
    submit(signed_in_client(alice), seed="")
    job = Job.objects.get()
    assert (job.seed, job.seed_was_random) == (987654, True)
    page = signed_in_client(alice).get(reverse("job_detail", args=[job.pk])).content.decode()
    assert "987654" in page and "(random)" in page


def test_random_seeds_differ_between_submissions(alice) -> None:
    client = signed_in_client(alice)
    submit(client)
    submit(client)
    seeds = set(Job.objects.values_list("seed", flat=True))
    assert len(seeds) == 2


def test_variations_create_that_many_jobs_with_distinct_seeds(alice) -> None:
    response = submit(signed_in_client(alice), variations="3", seed="500")
    assert response.status_code == 302
    assert response["Location"] == reverse("my_videos")
    jobs = Job.objects.order_by("variation")
    assert [j.variation for j in jobs] == [1, 2, 3]
    assert [j.seed for j in jobs] == [500, 501, 502]


def test_adjustments_are_shown_after_submitting(alice) -> None:
    client = signed_in_client(alice)
    response = submit(client, num_frames="10")
    job = Job.objects.get()
    note = "Frame count 10 was adjusted to 9 (this model needs 4k+1 frames)."
    assert job.num_frames == 9
    assert job.adjustments == [note]
    page = client.get(response["Location"]).content.decode()
    assert page.count(note) == 2  # the one-off message and the job's own list


@pytest.mark.parametrize(
    ("decision", "status"),
    [
        (Decision(False, "The studio is paused for maintenance.", ErrorCode.PAUSED), 503),
        (
            Decision(
                False, "You have used your quota for today.", ErrorCode.QUOTA, retry_after=3600
            ),
            429,
        ),
        (Decision(False, "Your access to this studio has been revoked.", ErrorCode.REVOKED), 403),
    ],
)
def test_a_refused_submission_shows_why_and_creates_nothing(
    alice, monkeypatch, decision, status
) -> None:
    monkeypatch.setattr("generation.services.generation_decision", lambda user, **kwargs: decision)
    response = submit(signed_in_client(alice))
    assert response.status_code == status
    assert decision.reason in response.content.decode()
    assert Job.objects.count() == 0


def test_submitting_needs_a_csrf_token(alice) -> None:
    response = signed_in_client(alice).post(reverse("job_create"), {"prompt": "a boat"})
    assert response.status_code == 403
    assert Job.objects.count() == 0


def test_remix_prefills_the_form_from_the_video(alice) -> None:
    video = make_video(
        alice,
        prompt="a neon heron",
        negative_prompt="text",
        aspect="1:1",
        width=128,
        height=128,
        num_frames=13,
        steps=3,
        guidance=6.5,
        seed=31337,
    )
    page = signed_in_client(alice).get(reverse("video_remix", args=[video.pk])).content.decode()
    assert "a neon heron</textarea>" in page and ">\ntext</textarea>" in page
    assert '<option value="1:1" selected>' in page
    assert '<option value="128x128" selected>' in page
    for name, value in (
        ("num_frames", "13"),
        ("steps", "3"),
        ("guidance", "6.5"),
        ("seed", "31337"),
    ):
        assert f'name="{name}" value="{value}"' in page
    assert f'action="{reverse("job_create")}"' in page


def test_remix_of_a_shared_video_works_for_others_but_not_of_a_private_one(alice, bob) -> None:
    shared = make_video(alice, shared=True, prompt="a shared comet")
    private = make_video(alice, prompt="a private comet")
    client = signed_in_client(bob)
    assert "a shared comet" in client.get(reverse("video_remix", args=[shared.pk])).content.decode()
    assert client.get(reverse("video_remix", args=[private.pk])).status_code == 404
