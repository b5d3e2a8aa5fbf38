"""The ETA an artist sees: step pace while running, recent job lengths while queued."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper

from generation import tasks
from generation.models import Job, JobStatus
from generation.progress import eta_seconds, queue_position
from tests.jobs import make_job, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    return make_user("eta@example.com")


def running_job(owner, *, load_seconds: float, step: int, total: int, seconds_per_step: float):
    """A job whose model took `load_seconds` to load before step 1 ended."""
    started = timezone.now() - timedelta(minutes=5)
    first_step = started + timedelta(seconds=load_seconds)
    return make_job(
        owner,
        status=JobStatus.RUNNING,
        started_at=started,
        first_step_at=first_step,
        progress_at=first_step + timedelta(seconds=seconds_per_step * (step - 1)),
        progress_step=step,
        progress_total=total,
    )


def test_running_eta_follows_the_step_pace_not_the_model_load(owner) -> None:
    job = running_job(owner, load_seconds=60, step=3, total=10, seconds_per_step=2)
    assert eta_seconds(job, None) == 14.0  # 7 steps left at 2 s; the 60 s load is not counted


def test_no_running_eta_before_there_is_a_pace(owner) -> None:
    job = running_job(owner, load_seconds=60, step=1, total=10, seconds_per_step=2)
    assert eta_seconds(job, None) is None


def test_queued_eta_is_recent_job_length_times_place_in_queue(
    owner, settings: SettingsWrapper
) -> None:
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "workers": 1}
    now = timezone.now()
    for seconds in (10, 20):
        make_job(
            owner,
            status=JobStatus.SUCCEEDED,
            started_at=now - timedelta(seconds=seconds),
            finished_at=now,
        )
    make_job(owner, queued_at=now - timedelta(seconds=5))
    job = make_job(owner, queued_at=now)
    position = queue_position(job)
    assert position == 2
    assert eta_seconds(job, position) == 30.0  # 15 s on average, second in line


def test_queued_eta_is_unknown_without_history(owner) -> None:
    job = make_job(owner)
    assert eta_seconds(job, queue_position(job)) is None


def test_step_one_stamps_the_pace_origin_and_a_new_claim_clears_it(owner) -> None:
    job = make_job(owner)
    assert tasks.job_claim(job_id=job.pk, worker="w:1")
    assert tasks.lease_renew(job_id=job.pk, worker="w:1", step=1, total=4)
    job.refresh_from_db()
    assert job.first_step_at is not None and job.first_step_at == job.progress_at
    assert tasks.lease_renew(job_id=job.pk, worker="w:1", step=2, total=4)
    stamped = Job.objects.get(pk=job.pk).first_step_at
    assert stamped == job.first_step_at  # later steps leave it alone
    Job.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED, lease_owner="")
    assert tasks.job_claim(job_id=job.pk, worker="w:2")
    assert Job.objects.get(pk=job.pk).first_step_at is None
