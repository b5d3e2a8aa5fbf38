"""What revocation and the site pause do to jobs, sockets and the queue."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from access.services import person_revoke, site_pause, site_resume
from generation import services, tasks
from generation.models import Job, JobStatus
from generation.progress import SITE_GROUP, user_group
from tests.jobs import make_job

S = JobStatus
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def enqueued(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Record what would be handed to the workers, in order."""
    calls: list[int] = []
    monkeypatch.setattr(services, "job_enqueue", lambda job_id: calls.append(job_id))
    return calls


def listen(group: str) -> str:
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(group, channel)
    return channel


def next_message(channel: str) -> dict:
    return async_to_sync(get_channel_layer().receive)(channel)


def test_revoking_cancels_every_unfinished_job_and_closes_their_pages(
    alice, bob, staff_user
) -> None:
    jobs = {status: make_job(alice, status=status) for status in (S.HELD, S.QUEUED, S.PAUSED)}
    running = make_job(alice, status=S.QUEUED)
    tasks.job_claim(job_id=running.pk, worker="w:1")
    done = make_job(alice, status=S.SUCCEEDED)
    bobs = make_job(bob, status=S.QUEUED)
    socket = listen(user_group(alice.pk))

    person_revoke(user=alice, by=staff_user, reason="shared their login")

    for job in [*jobs.values(), running]:
        job.refresh_from_db()
        assert job.status == S.CANCELLED and "revoked" in job.error
    assert Job.objects.get(pk=done.pk).status == S.SUCCEEDED
    assert Job.objects.get(pk=bobs.pk).status == S.QUEUED
    # The running job's worker notices at its next step.
    assert not tasks.lease_renew(job_id=running.pk, worker="w:1", step=2, total=4)
    messages = [next_message(socket) for _ in range(5)]
    assert {
        "type": "access.revoked",
        "message": "Your access to this studio was revoked.",
    } in messages


def test_pausing_parks_running_jobs_keeps_queued_ones_and_tells_every_page(
    alice, staff_user, enqueued
) -> None:
    queued = make_job(alice, status=S.QUEUED)
    running = make_job(alice, status=S.QUEUED)
    tasks.job_claim(job_id=running.pk, worker="w:1")
    page = listen(SITE_GROUP)

    site_pause(by=staff_user, reason="Model update")

    running.refresh_from_db()
    queued.refresh_from_db()
    assert running.status == S.PAUSED and running.attempts == 0
    assert queued.status == S.QUEUED
    assert not tasks.lease_renew(job_id=running.pk, worker="w:1", step=2, total=4)
    message = next_message(page)
    assert message["type"] == "site.update"
    assert message["site"]["paused"] is True and message["site"]["reason"] == "Model update"
    # A worker picking a queued task while paused leaves the job queued.
    assert tasks.job_run(queued.pk) == "site paused: left queued"
    assert Job.objects.get(pk=queued.pk).status == S.QUEUED


def test_resuming_requeues_paused_and_queued_jobs_in_their_original_order(
    alice, bob, staff_user, enqueued
) -> None:
    first = make_job(alice, status=S.QUEUED)
    second = make_job(bob, status=S.QUEUED)
    third = make_job(alice, status=S.QUEUED)
    tasks.job_claim(job_id=second.pk, worker="w:1")  # second is running when we pause
    site_pause(by=staff_user, reason="Maintenance")
    assert Job.objects.get(pk=second.pk).status == S.PAUSED
    enqueued.clear()

    site_resume(by=staff_user)

    assert enqueued == [first.pk, second.pk, third.pk]
    assert set(Job.objects.values_list("status", flat=True)) == {S.QUEUED}


def test_no_worker_starts_a_job_during_a_pause_even_with_a_stale_cached_state(alice) -> None:
    from access.models import SiteState
    from access.selectors import site_state

    job = make_job(alice, status=S.QUEUED)
    assert site_state().paused is False  # this process now caches "running" for 1 s
    SiteState.objects.update_or_create(pk=1, defaults={"paused": True, "reason": "x"})
    assert site_state().paused is False, "the cached copy is still stale"
    assert tasks.job_claim(job_id=job.pk, worker="w:1") is False
    assert Job.objects.get(pk=job.pk).status == S.QUEUED
