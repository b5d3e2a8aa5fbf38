"""JSON API v1 under session auth: create, read, list, and stable error codes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from access.errors import ErrorCode
from access.policy import Decision
from generation.models import Job, JobStatus
from tests.jobs import make_job
from tests.people import signed_in_client
from tests.test_media import make_video


def post_json(client: Client, url: str, payload: Any, *, token: bool = True) -> Any:
    headers = {}
    if token:
        # Any page with a form sets the CSRF cookie: the create form, or the login page.
        client.get(reverse("job_create"))
        if "csrftoken" not in client.cookies:
            client.get(reverse("account_login"))
        headers["X-CSRFToken"] = client.cookies["csrftoken"].value
    body = payload if isinstance(payload, str) else json.dumps(payload)
    return client.post(url, body, content_type="application/json", headers=headers)


def test_creating_a_job_returns_201_with_its_snapshot(alice) -> None:
    response = post_json(
        signed_in_client(alice),
        reverse("api_jobs"),
        {"prompt": "a lantern festival", "aspect": "1:1", "num_frames": 10, "seed": 77},
    )
    assert response.status_code == 201
    data = response.json()
    job = Job.objects.get()
    assert [snapshot["id"] for snapshot in data["jobs"]] == [job.pk]
    snapshot = data["jobs"][0]
    assert (snapshot["seed"], snapshot["detail_url"]) == (77, reverse("job_detail", args=[job.pk]))
    assert data["adjustments"] == [
        "Frame count 10 was adjusted to 9 (this model needs 4k+1 frames)."
    ]
    assert (job.owner, job.aspect, job.width, job.height, job.num_frames) == (
        alice,
        "1:1",
        64,
        64,
        9,
    )


def test_variations_return_one_snapshot_each(alice) -> None:
    response = post_json(
        signed_in_client(alice),
        reverse("api_jobs"),
        {"prompt": "tides", "variations": 2, "seed": None},
    )
    assert response.status_code == 201
    seeds = [snapshot["seed"] for snapshot in response.json()["jobs"]]
    assert len(seeds) == 2 and seeds[1] == seeds[0] + 1
    assert Job.objects.filter(seed_was_random=True).count() == 2


def test_invalid_fields_get_400_with_each_field_named(alice) -> None:
    response = post_json(
        signed_in_client(alice), reverse("api_jobs"), {"prompt": "", "steps": 0, "guidance": 999}
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"prompt", "steps", "guidance"}
    assert error["fields"]["steps"] == ["At least one step."]
    assert Job.objects.count() == 0


@pytest.mark.parametrize("body", ["not json", "[1, 2]"])
def test_a_body_that_is_not_a_json_object_gets_400_malformed(alice, body) -> None:
    response = post_json(signed_in_client(alice), reverse("api_jobs"), body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed"


@pytest.mark.parametrize(
    ("decision", "status"),
    [
        (Decision(False, "The studio is paused.", ErrorCode.PAUSED), 503),
        (Decision(False, "Daily quota used.", ErrorCode.QUOTA, retry_after=60), 429),
        (Decision(False, "Your access was revoked.", ErrorCode.REVOKED), 403),
    ],
)
def test_a_refused_submission_gets_the_decision_code(alice, monkeypatch, decision, status) -> None:
    monkeypatch.setattr("generation.services.generation_decision", lambda user, **kwargs: decision)
    response = post_json(signed_in_client(alice), reverse("api_jobs"), {"prompt": "a quiet lake"})
    assert response.status_code == status
    assert response.json()["error"] == {"code": decision.code, "message": decision.reason}
    if decision.retry_after:
        assert response["Retry-After"] == str(decision.retry_after)
    assert Job.objects.count() == 0


def test_creating_without_a_csrf_token_is_refused(alice) -> None:
    response = post_json(signed_in_client(alice), reverse("api_jobs"), {"prompt": "x"}, token=False)
    assert response.status_code == 403
    assert Job.objects.count() == 0


def test_anonymous_callers_get_401_json_not_a_login_page(alice) -> None:
    job = make_job(alice)
    client = signed_in_client(None)
    for url in (reverse("api_job", args=[job.pk]), reverse("api_videos")):
        response = client.get(url)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "not_authenticated"


def test_anonymous_posts_are_refused(alice) -> None:
    response = post_json(signed_in_client(None), reverse("api_jobs"), {"prompt": "x"})
    assert response.status_code == 401
    assert Job.objects.count() == 0


def test_the_owner_reads_a_job_snapshot(alice) -> None:
    job = make_job(alice, status=JobStatus.RUNNING, progress_step=1, progress_total=4, steps=4)
    response = signed_in_client(alice).get(reverse("api_job", args=[job.pk]))
    assert response.status_code == 200
    data = response.json()
    assert (data["id"], data["status"], data["step"], data["steps"], data["progress"]) == (
        job.pk,
        "running",
        1,
        4,
        0.25,
    )


def test_another_artists_job_is_a_json_404(alice, bob) -> None:
    job = make_job(alice)
    response = signed_in_client(bob).get(reverse("api_job", args=[job.pk]))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_the_wrong_method_gets_405_json(alice) -> None:
    job = make_job(alice)
    response = signed_in_client(alice).get(reverse("api_jobs"))
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert response["Allow"] == "POST"
    response = post_json(signed_in_client(alice), reverse("api_job", args=[job.pk]), {})
    assert response.status_code == 405


def test_videos_lists_only_my_videos_newest_first_with_pages(alice, bob, settings) -> None:
    settings.GALLERY_PAGE_SIZE = 2
    first = make_video(alice, prompt="one")
    second = make_video(alice, prompt="two")
    third = make_video(alice, prompt="three", shared=True)
    make_video(bob, prompt="bob's")
    client = signed_in_client(alice)
    page1 = client.get(reverse("api_videos")).json()
    assert (page1["count"], page1["pages"], page1["page"]) == (3, 2, 1)
    assert [v["id"] for v in page1["results"]] == [third.pk, second.pk]
    assert page1["next"] == reverse("api_videos") + "?page=2" and page1["previous"] is None
    page2 = client.get(page1["next"]).json()
    assert [v["id"] for v in page2["results"]] == [first.pk]
    item = page1["results"][0]
    assert (item["prompt"], item["shared"], item["url"]) == (
        "three",
        True,
        reverse("video_media", args=[third.pk]),
    )


def test_a_removed_video_in_the_list_has_no_media_urls(alice) -> None:
    make_video(alice, removed=True, hidden=True)
    item = signed_in_client(alice).get(reverse("api_videos")).json()["results"][0]
    assert (item["removed"], item["url"], item["poster_url"]) == (True, None, None)
