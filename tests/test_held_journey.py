"""Across the apps: a flagged prompt is held, and a moderator's decision moves the job."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from generation.forms import GenerationForm
from generation.models import Job, JobStatus
from generation.services import job_submit
from moderation.models import Rule, Screening
from tests.people import form_post

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def lava_flags(db: None) -> None:
    Rule.objects.create(pattern="lava", category="gore", action="flag")


def submit(alice: Any, prompt: str) -> Job:
    form = GenerationForm({"prompt": prompt, "steps": "1", "num_frames": "5"})
    assert form.is_valid(), form.errors
    [job] = job_submit(owner=alice, submission=form.to_submission())
    return job


def decide(client_for: Any, mod: Any, job: Job, decision: str, reason: str) -> None:
    screening = Screening.objects.get(subject_type="generation.job", subject_id=job.pk)
    url = reverse("admin:moderation_screening_review", args=[screening.pk])
    response = form_post(client_for(mod), url, {"decision": decision, "reason": reason})
    assert response.status_code == 302


def test_a_held_prompt_shows_its_category_then_runs_once_approved(
    lava_flags: None, alice: Any, mod: Any, client_for: Any
) -> None:
    job = submit(alice, "a slow river of lava at dusk")
    assert job.status == JobStatus.HELD
    page = client_for(alice).get(reverse("job_detail", args=[job.pk])).content.decode()
    assert "Held for review" in page and "Graphic gore" in page
    assert "lava" not in page.lower().replace("a slow river of lava at dusk", "")

    decide(client_for, mod, job, "approve", "Volcano footage is fine.")

    job.refresh_from_db()  # approved -> queued -> run inline by the sync test queue
    assert job.status == JobStatus.SUCCEEDED, job.error


def test_a_rejected_prompt_shows_the_moderators_reason(
    lava_flags: None, alice: Any, mod: Any, client_for: Any
) -> None:
    job = submit(alice, "a slow river of lava at dusk")
    decide(client_for, mod, job, "reject", "Please keep it to landscapes without injury.")
    job.refresh_from_db()
    assert job.status == JobStatus.REJECTED
    page = client_for(alice).get(reverse("job_detail", args=[job.pk])).content.decode()
    assert "Please keep it to landscapes without injury." in page


def test_a_blocked_prompt_never_reaches_the_queue(alice: Any) -> None:
    # Transactional tests truncate tables, data-migration rules included: add our own.
    Rule.objects.create(pattern="decapitation", category="gore", action="block")
    job = submit(alice, "a slow-motion decapitation")
    assert job.status == JobStatus.REJECTED
    assert job.moderation_reason and job.started_at is None
