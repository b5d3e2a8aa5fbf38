"""Queued jobs whose task never reached the queue (Redis was down) are not lost."""

from __future__ import annotations

from datetime import timedelta

import pytest
import redis
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.conf import Conf
from django_q.signing import SignedPackage

from generation import services, tasks
from generation.models import Job, JobStatus
from tests.jobs import make_job

pytestmark = pytest.mark.django_db


@pytest.fixture
def real_queue(clean_redis: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(Conf, "SYNC", False)
    monkeypatch.setattr(Conf, "REDIS", clean_redis)
    return clean_redis


def test_an_unreachable_queue_keeps_the_job_queued_and_unstamped(
    alice, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    monkeypatch.setattr(Conf, "SYNC", False)
    monkeypatch.setattr(Conf, "REDIS", f"unix://{tmp_path}/no-redis.sock")
    job = make_job(alice)
    assert services.job_enqueue(job_id=job.pk) is False
    job.refresh_from_db()
    assert (job.status, job.enqueued_at) == (JobStatus.QUEUED, None)


def test_the_sweep_hands_lost_queued_jobs_back_in_order(alice, real_queue: str) -> None:
    older = make_job(alice, queued_at=timezone.now() - timedelta(minutes=2))
    newer = make_job(alice)  # never enqueued: its task was lost
    stale = timezone.now() - timedelta(minutes=10)
    Job.objects.update(status_changed_at=stale)  # both have waited in the queue a while
    Job.objects.filter(pk=older.pk).update(enqueued_at=stale)
    assert tasks.jobs_redeliver() == 2
    broker = get_broker()
    assert queued_job_ids(broker) == [older.pk, newer.pk]
    assert Job.objects.filter(enqueued_at__isnull=True).count() == 0
    # With a task waiting in the queue, nothing more is handed over.
    services.job_enqueue(job_id=newer.pk)
    Job.objects.update(enqueued_at=stale)
    assert tasks.jobs_redeliver() == 0


def queued_job_ids(broker) -> list[int]:
    """Pop every task off the queue and read which job each one runs."""
    ids = []
    while broker.queue_size():
        [(_, package)] = broker.dequeue()
        ids.append(SignedPackage.loads(package)["args"][0])
    return ids


def test_recently_queued_or_enqueued_jobs_are_not_redelivered(alice, real_queue: str) -> None:
    stale = timezone.now() - timedelta(minutes=10)
    enqueued_just_now = make_job(alice)
    Job.objects.filter(pk=enqueued_just_now.pk).update(
        status_changed_at=stale, enqueued_at=timezone.now()
    )
    make_job(alice)  # queued just now: its enqueue may still be waiting on a commit
    assert tasks.jobs_redeliver() == 0
    assert redis.Redis.from_url(real_queue).dbsize() == 0
