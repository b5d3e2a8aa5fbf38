"""My videos as a library: delete, tick several, filter by status, edit & resubmit,
variations labelled."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.urls import reverse

from access.models import AuditEvent
from generation.models import Job, JobStatus, Video
from generation.services import DeleteRefused, job_delete
from tests.jobs import make_job
from tests.people import form_post, signed_in_client
from tests.test_media import make_video

pytestmark = pytest.mark.django_db(transaction=True)  # on_commit deletes the media


def test_deleting_a_video_removes_its_media_and_is_audited(alice: User, bob: User) -> None:
    video = make_video(alice, shared=True)
    names = [str(video.file.name), str(video.poster.name)]
    client = signed_in_client(alice)
    response = form_post(
        client, reverse("job_delete", args=[video.job_id]), {}, page=reverse("my_videos")
    )
    assert response["Location"] == reverse("my_videos")
    assert not any(default_storage.exists(name) for name in names)
    job = Job.objects.get(pk=video.job_id)
    assert job.deleted_at is not None  # the row stays: trace still finds the account
    event = AuditEvent.objects.get(action="job.delete")
    assert (event.actor, event.target) == (alice, f"generation.job:{job.pk}")
    assert client.get(reverse("job_detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("video_media", args=[video.pk])).status_code == 404
    assert str(job.pk) not in re.findall(
        r'data-job-id="(\d+)"', client.get(reverse("my_videos")).content.decode()
    )
    other = signed_in_client(bob)
    assert "video.mp4" not in other.get(reverse("community")).content.decode()
    assert other.get(reverse("video_detail", args=[video.pk])).status_code == 404


def test_a_moderator_removed_video_stays_gone_when_deleted(alice: User) -> None:
    video = make_video(alice, removed=True)
    assert job_delete(job=video.job, by=alice) is True
    assert job_delete(job=video.job, by=alice) is False  # nothing to bring back
    video.refresh_from_db()
    assert video.removed and not video.shared and not video.file
    details = AuditEvent.objects.get(action="job.delete").details
    assert details["removed_by_moderator"] is True


def test_an_unfinished_job_must_be_cancelled_first(alice: User) -> None:
    job = make_job(alice, status=JobStatus.QUEUED)
    with pytest.raises(DeleteRefused, match="cancel it first"):
        job_delete(job=job, by=alice)
    page = form_post(
        signed_in_client(alice), reverse("job_delete", args=[job.pk]), {}, page=reverse("my_videos")
    )
    assert page["Location"] == reverse("job_detail", args=[job.pk])
    assert Job.objects.get(pk=job.pk).deleted_at is None


def test_nobody_else_can_delete_my_job(alice: User, bob: User) -> None:
    video = make_video(alice)
    response = form_post(
        signed_in_client(bob),
        reverse("job_delete", args=[video.job_id]),
        {},
        page=reverse("my_videos"),
    )
    assert response.status_code == 404
    assert Job.objects.get(pk=video.job_id).deleted_at is None
    assert default_storage.exists(str(video.file.name))


def test_tick_several_and_share_or_delete(alice: User, bob: User) -> None:
    first, second = make_video(alice), make_video(alice)
    queued = make_job(alice, status=JobStatus.QUEUED)
    bobs = make_video(bob)
    client = signed_in_client(alice)
    ids = [str(first.job_id), str(second.job_id), str(queued.pk), str(bobs.job_id)]
    form_post(
        client, reverse("videos_bulk"), {"action": "share", "job": ids}, page=reverse("my_videos")
    )
    assert set(Video.objects.filter(shared=True).values_list("pk", flat=True)) == {
        first.pk,
        second.pk,
    }
    response = form_post(client, reverse("videos_bulk"), {"action": "delete", "job": ids})
    page = client.get(response["Location"]).content.decode()
    assert "Deleted 2. 1 could not be: unfinished jobs must be cancelled first." in page
    assert Job.objects.filter(deleted_at__isnull=False).count() == 2
    assert Job.objects.get(pk=bobs.job_id).deleted_at is None  # not hers: ignored


def test_bulk_without_a_tick_says_what_to_do(alice: User) -> None:
    client = signed_in_client(alice)
    response = form_post(
        client, reverse("videos_bulk"), {"action": "delete"}, page=reverse("my_videos")
    )
    assert "Tick at least one video" in client.get(response["Location"]).content.decode()


def test_my_videos_filters_by_status(alice: User) -> None:
    make_job(alice, status=JobStatus.FAILED, prompt="failed-one", error="boom")
    make_job(alice, status=JobStatus.RUNNING, prompt="running-one")
    make_video(alice, prompt="ready-one")
    client = signed_in_client(alice)
    failed = client.get(reverse("my_videos") + "?status=failed").content.decode()
    assert "failed-one" in failed and "running-one" not in failed and "ready-one" not in failed
    active = client.get(reverse("my_videos") + "?status=active").content.decode()
    assert "running-one" in active and "failed-one" not in active
    assert 'class="active" aria-current="true">In progress' in active
    empty = client.get(reverse("my_videos") + "?status=held").content.decode()
    assert "None of your jobs is in this state." in empty


@pytest.mark.parametrize(
    "status", [JobStatus.CANCELLED, JobStatus.FAILED, JobStatus.HELD, JobStatus.REJECTED]
)
def test_edit_and_resubmit_prefills_the_form(alice: User, status: str) -> None:
    job = make_job(alice, status=status, prompt="a kite over dunes", steps=3, seed=4242)
    client = signed_in_client(alice)
    detail = client.get(reverse("job_detail", args=[job.pk])).content.decode()
    assert f'href="{reverse("job_resubmit", args=[job.pk])}">Edit &amp; resubmit' in detail
    page = client.get(reverse("job_resubmit", args=[job.pk])).content.decode()
    assert "a kite over dunes</textarea>" in page and 'value="4242"' in page


def test_a_finished_job_has_no_resubmit(alice: User) -> None:
    video = make_video(alice)
    client = signed_in_client(alice)
    assert client.get(reverse("job_resubmit", args=[video.job_id])).status_code == 404


def test_variations_are_labelled_with_their_number_and_seed(alice: User) -> None:
    first = make_job(alice, status=JobStatus.QUEUED, variation=1, seed=10)
    for n in (2, 3):
        make_job(alice, status=JobStatus.QUEUED, variation=n, seed=9 + n, batch=first.batch)
    single = make_job(alice, status=JobStatus.QUEUED, seed=99)
    client = signed_in_client(alice)
    page = client.get(reverse("my_videos")).content.decode()
    assert "#1/3 · seed 10" in page and "#3/3 · seed 12" in page
    assert "seed 99" not in page
    detail = client.get(reverse("job_detail", args=[first.pk])).content.decode()
    assert "variation #1/3 · seed 10" in detail
    assert "variation #" not in client.get(reverse("job_detail", args=[single.pk])).content.decode()
