"""The fair queue: round-robin across people, oldest first within a person, staff first
when STAFF_PRIORITY=1; the claim takes the fairest job, not the one the task names."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from access.services import site_pause
from generation import tasks
from generation.models import Job, JobStatus
from generation.progress import job_snapshot
from generation.queue import fair_order, job_claim_next
from tests.jobs import make_job, make_user

S = JobStatus


def queue_jobs(*owners_in_submission_order):
    """One queued job per entry, each a second younger than the one before."""
    start = timezone.now() - timedelta(minutes=10)
    return [
        make_job(owner, queued_at=start + timedelta(seconds=index))
        for index, owner in enumerate(owners_in_submission_order)
    ]


def claim_all(worker: str = "w:1") -> list[int]:
    claimed = []
    while (job_id := job_claim_next(worker=worker)) is not None:
        claimed.append(job_id)
    return claimed


def test_one_person_with_many_jobs_does_not_make_everyone_wait(alice, bob, mod) -> None:
    a1, a2, a3, b1, b2, c1 = queue_jobs(alice, alice, alice, bob, bob, mod)
    expected = [a1.pk, b1.pk, c1.pk, a2.pk, b2.pk, a3.pk]
    assert fair_order() == expected
    assert claim_all() == expected


def test_the_person_served_longest_ago_goes_next(alice, bob) -> None:
    a1, b1 = queue_jobs(alice, bob)
    # Alice's last job started a minute ago, Bob's an hour ago: Bob is next though
    # Alice's job is older.
    now = timezone.now()
    make_job(alice, status=S.SUCCEEDED, started_at=now - timedelta(minutes=1))
    make_job(bob, status=S.SUCCEEDED, started_at=now - timedelta(hours=1))
    assert fair_order() == [b1.pk, a1.pk]
    assert claim_all() == [b1.pk, a1.pk]


def test_staff_go_first_only_with_staff_priority(alice, staff_user, settings) -> None:
    a1, s1, a2, s2 = queue_jobs(alice, staff_user, alice, staff_user)
    settings.STAFF_PRIORITY = False
    assert fair_order() == [a1.pk, s1.pk, a2.pk, s2.pk]
    settings.STAFF_PRIORITY = True
    assert fair_order() == [s1.pk, s2.pk, a1.pk, a2.pk]
    assert claim_all() == [s1.pk, s2.pk, a1.pk, a2.pk]


def test_queue_position_and_eta_follow_the_fair_order(alice, bob, settings) -> None:
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "workers": 1}
    now = timezone.now()
    make_job(bob, status=S.SUCCEEDED, started_at=now - timedelta(seconds=10), finished_at=now)
    _, a2, b1 = queue_jobs(alice, alice, bob)
    # Bob's second-oldest-in-time job is next after Alice's first: position 2, not 3.
    snapshot = job_snapshot(b1)
    assert snapshot["queue_position"] == 2
    assert snapshot["eta_seconds"] == 20.0  # 10 s per job, second in line
    assert job_snapshot(a2)["queue_position"] == 3


def test_the_task_claims_the_fairest_job_not_the_one_it_names(alice, bob) -> None:
    a1, a2, b1 = queue_jobs(alice, alice, bob)
    assert tasks.job_claim(job_id=a1.pk, worker="w:0")  # Alice's first is running
    assert tasks.job_run(a2.pk) == S.SUCCEEDED  # woken for Alice's second job...
    b1.refresh_from_db()
    a2.refresh_from_db()
    assert (b1.status, a2.status) == (S.SUCCEEDED, S.QUEUED)  # ...it ran Bob's
    assert tasks.job_run(b1.pk) == S.SUCCEEDED  # Bob's task then runs what is left
    a2.refresh_from_db()
    assert a2.status == S.SUCCEEDED
    assert tasks.job_run(a2.pk) == "not claimed"


def test_a_worker_bound_to_a_model_claims_only_that_models_jobs(alice, bob) -> None:
    a1, b1 = queue_jobs(alice, bob)
    Job.objects.filter(pk=a1.pk).update(model_name="other-model")
    assert job_claim_next(worker="w:1", model="builtin") == b1.pk
    assert job_claim_next(worker="w:1", model="builtin") is None
    assert job_claim_next(worker="w:2", model="other-model") == a1.pk


def test_nothing_is_claimed_while_the_studio_is_paused(alice, staff_user) -> None:
    (a1,) = queue_jobs(alice)
    site_pause(by=staff_user, reason="Maintenance")
    assert job_claim_next(worker="w:1") is None
    a1.refresh_from_db()
    assert a1.status == S.QUEUED and a1.attempts == 0


@pytest.mark.django_db(transaction=True)
def test_workers_claiming_at_once_each_get_a_different_job() -> None:
    owners = [make_user(f"p{n}@example.com") for n in range(3)]
    jobs = queue_jobs(*owners, *owners)
    barrier = threading.Barrier(4)
    claimed: list[int | None] = []
    lock = threading.Lock()

    def claim(worker: str) -> None:
        barrier.wait()
        try:
            for _ in range(2):
                job_id = job_claim_next(worker=worker)
                with lock:
                    claimed.append(job_id)
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(f"host:{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    won = [job_id for job_id in claimed if job_id is not None]
    assert sorted(won) == sorted(job.pk for job in jobs)  # each exactly once
    assert claimed.count(None) == 2
    running = Job.objects.filter(status=S.RUNNING)
    assert running.count() == 6 and all(job.attempts == 1 for job in running)
    # Round-robin held under the race: every person's first job started before any second.
    first_round = {job.pk for job in jobs[:3]}
    starts = sorted(running, key=lambda job: job.started_at or timezone.now())
    assert {job.pk for job in starts[:3]} == first_round
