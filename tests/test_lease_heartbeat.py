"""The worker keeps its job's lease alive between steps (model load, encoding)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from generation.models import Job, JobStatus
from generation.tasks import lease_heartbeat
from tests.jobs import make_job, make_user

pytestmark = pytest.mark.django_db(transaction=True)  # the heartbeat has its own connection


def test_the_lease_is_renewed_while_no_step_runs(settings) -> None:
    settings.JOB_LEASE_SECONDS = 3
    soon = timezone.now() + timedelta(seconds=1)
    job = make_job(make_user("beat@example.com"), status=JobStatus.RUNNING)
    Job.objects.filter(pk=job.pk).update(lease_owner="host:1", lease_expires_at=soon)
    with lease_heartbeat(job_id=job.pk, worker="host:1"):
        time.sleep(2.5)  # longer than the lease left; a beat comes every second
    job.refresh_from_db()
    assert job.lease_expires_at is not None
    assert job.lease_expires_at > soon + timedelta(seconds=1)


def test_a_job_taken_away_is_not_renewed(settings) -> None:
    settings.JOB_LEASE_SECONDS = 3
    job = make_job(make_user("taken@example.com"), status=JobStatus.QUEUED)
    with lease_heartbeat(job_id=job.pk, worker="host:1"):
        time.sleep(1.5)
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED and job.lease_expires_at is None
