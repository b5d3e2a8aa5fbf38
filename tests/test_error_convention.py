"""One error convention (access/errors.py): a service's refusal that reaches a view
is a 4xx the person can read, never a 500. Pages are mapped by
sora_site.errors.RefusalMiddleware, the API by generation.api.api_view.

The test client re-raises any exception that would have been a 500, so each of
these tests fails loudly if a refusal slips through as one."""

from __future__ import annotations

import pytest
from django.urls import reverse

from generation.models import Job, JobStatus
from tests.jobs import make_job
from tests.people import form_post, signed_in_client

pytestmark = pytest.mark.urls("tests.refusal_urls")


def test_a_permission_refusal_reaching_a_page_is_the_403_page(alice, bob) -> None:
    job = make_job(bob)
    response = signed_in_client(alice).get(f"/refusals/cancel/{job.pk}")
    assert response.status_code == 403
    assert "Not allowed" in response.content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED


def test_a_validation_refusal_reaching_a_page_is_a_400_that_says_why(alice) -> None:
    job = make_job(alice, JobStatus.RUNNING)
    response = signed_in_client(alice).get(f"/refusals/delete/{job.pk}")
    assert response.status_code == 400
    assert "cancel it first, then delete it" in response.content.decode()
    assert Job.objects.get(pk=job.pk).deleted_at is None


def test_a_coded_refusal_reaching_a_page_keeps_its_status_and_retry_after(alice, settings) -> None:
    settings.QUOTA_DAILY_SECONDS = 0
    response = signed_in_client(alice).get("/refusals/submit")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "daily budget" in response.content.decode()
    assert Job.objects.count() == 0


def test_a_permission_refusal_reaching_the_api_is_json_403(alice, bob) -> None:
    job = make_job(bob)
    response = signed_in_client(alice).get(f"/api/refusals/cancel/{job.pk}")
    assert response.status_code == 403
    assert response.json() == {
        "error": {"code": "forbidden", "message": "Only the owner can cancel a job"}
    }
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED


def test_a_validation_refusal_reaching_the_api_is_json_400(alice) -> None:
    job = make_job(alice, JobStatus.RUNNING)
    response = signed_in_client(alice).get(f"/api/refusals/delete/{job.pk}")
    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "invalid",
        "message": "This job has not finished: cancel it first, then delete it.",
    }
    assert Job.objects.get(pk=job.pk).deleted_at is None


def test_a_real_view_whose_lookup_missed_a_foreign_job_still_answers_403(
    alice, bob, monkeypatch
) -> None:
    """The selector is the first line (404 for others' jobs); the service is the
    second, and its refusal must not become a 500 if the first ever slips."""
    job = make_job(bob)
    monkeypatch.setattr(
        "generation.views.selectors.job_get_for_user", lambda user, pk: Job.objects.get(pk=pk)
    )
    url = reverse("job_cancel", args=[job.pk])
    response = form_post(signed_in_client(alice), url, {}, page=reverse("job_create"))
    assert response.status_code == 403
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
