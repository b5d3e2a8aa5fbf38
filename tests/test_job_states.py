"""The Job state machine: each transition is one conditional UPDATE, timestamped."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from generation import tasks
from generation.models import Job, JobStatus
from generation.transitions import ALLOWED, IllegalTransition, job_move
from tests.jobs import make_job, make_user

S = JobStatus
EDGES = [(src, dst) for src, targets in ALLOWED.items() for dst in sorted(targets)]
NON_EDGES = [
    (src, dst) for src in ALLOWED for dst in S.values if dst not in ALLOWED[src] and dst != src
]


@pytest.fixture
def owner(db):
    return make_user("alice@example.com")


@pytest.mark.parametrize(("source", "target"), EDGES, ids=[f"{a}->{b}" for a, b in EDGES])
def test_every_allowed_transition_moves_once_and_is_timestamped(owner, source, target) -> None:
    job = make_job(owner, status=source)
    before = job.status_changed_at
    assert job_move(job_id=job.pk, to=target) is True
    job.refresh_from_db()
    assert job.status == target
    assert job.status_changed_at > before
    if target in (S.SUCCEEDED, S.FAILED, S.REJECTED, S.CANCELLED):
        assert job.finished_at is not None
    if target == S.RUNNING:
        assert job.started_at is not None
    if target == S.QUEUED:
        assert job.queued_at is not None


@pytest.mark.parametrize(("source", "target"), NON_EDGES, ids=[f"{a}->{b}" for a, b in NON_EDGES])
def test_disallowed_transitions_change_nothing(owner, source, target) -> None:
    job = make_job(owner, status=source)
    assert job_move(job_id=job.pk, to=target) is False
    job.refresh_from_db()
    assert job.status == source


def test_asking_for_an_impossible_source_is_an_error(owner) -> None:
    job = make_job(owner, status=S.SUCCEEDED)
    with pytest.raises(IllegalTransition):
        job_move(job_id=job.pk, to=S.RUNNING, allowed_from={S.SUCCEEDED})


def test_requeue_keeps_the_original_queue_time(owner) -> None:
    job = make_job(owner, status=S.QUEUED)
    job_move(job_id=job.pk, to=S.QUEUED, allowed_from={S.SCREENING})  # no-op: wrong source
    first = timezone.now() - timedelta(minutes=5)
    Job.objects.filter(pk=job.pk).update(queued_at=first, status=S.RUNNING)
    assert job_move(job_id=job.pk, to=S.QUEUED, allowed_from={S.RUNNING})
    job.refresh_from_db()
    assert job.queued_at == first


def test_claim_sets_a_lease_and_counts_the_attempt(owner) -> None:
    job = make_job(owner, status=S.QUEUED)
    assert tasks.job_claim(job_id=job.pk, worker="host:1") is True
    job.refresh_from_db()
    assert (job.status, job.lease_owner, job.attempts) == (S.RUNNING, "host:1", 1)
    assert job.lease_expires_at is not None and job.lease_expires_at > timezone.now()
    assert tasks.job_claim(job_id=job.pk, worker="host:2") is False


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_to_claim_one_job_only_one_wins() -> None:
    owner = make_user("racer@example.com")
    job = make_job(owner, status=S.QUEUED)
    barrier = threading.Barrier(2)
    results: dict[str, bool] = {}

    def claim(worker: str) -> None:
        barrier.wait()
        try:
            results[worker] = tasks.job_claim(job_id=job.pk, worker=worker)
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(f"host:{n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results.values()) == [False, True]
    job.refresh_from_db()
    winner = next(worker for worker, won in results.items() if won)
    assert (job.status, job.lease_owner, job.attempts) == (S.RUNNING, winner, 1)


def test_lease_renewal_fails_once_the_job_is_cancelled(owner) -> None:
    job = make_job(owner, status=S.QUEUED)
    tasks.job_claim(job_id=job.pk, worker="w:1")
    assert tasks.lease_renew(job_id=job.pk, worker="w:1", step=1, total=4)
    job_move(job_id=job.pk, to=S.CANCELLED)
    assert not tasks.lease_renew(job_id=job.pk, worker="w:1", step=2, total=4)


def test_step_reporter_interrupts_within_one_step_of_a_cancel(owner) -> None:
    from generation.backends import JobInterrupted

    job = make_job(owner, status=S.QUEUED)
    tasks.job_claim(job_id=job.pk, worker="w:1")
    report = tasks.StepReporter(job.pk, "w:1")
    report(1, 4)
    job.refresh_from_db()
    assert (job.progress_step, job.progress_total) == (1, 4)
    job_move(job_id=job.pk, to=S.CANCELLED)
    with pytest.raises(JobInterrupted):
        report(2, 4)


def expire(job: Job) -> None:
    Job.objects.filter(pk=job.pk).update(lease_expires_at=timezone.now() - timedelta(seconds=1))


def test_sweep_requeues_a_job_whose_lease_expired(owner, settings) -> None:
    settings.JOB_MAX_ATTEMPTS = 3
    job = make_job(owner, status=S.QUEUED)
    tasks.job_claim(job_id=job.pk, worker="dead:1")
    expire(job)
    counts = tasks.jobs_sweep()
    job.refresh_from_db()
    assert (counts["requeued"], counts["failed"]) == (1, 0)
    assert (job.status, job.lease_owner, job.attempts) == (S.QUEUED, "", 1)


def test_sweep_fails_a_job_after_the_attempt_limit_with_a_clear_message(owner, settings) -> None:
    settings.JOB_MAX_ATTEMPTS = 2
    job = make_job(owner, status=S.QUEUED, attempts=1)
    tasks.job_claim(job_id=job.pk, worker="dead:1")
    expire(job)
    assert tasks.jobs_sweep() == {"requeued": 0, "failed": 1, "redelivered": 0}
    job.refresh_from_db()
    assert job.status == S.FAILED
    assert "2 times" in job.error and "not retried" in job.error


def test_sweep_leaves_a_job_with_a_live_lease_alone(owner) -> None:
    job = make_job(owner, status=S.QUEUED)
    tasks.job_claim(job_id=job.pk, worker="alive:1")
    assert tasks.jobs_sweep() == {"requeued": 0, "failed": 0, "redelivered": 0}
    job.refresh_from_db()
    assert job.status == S.RUNNING
