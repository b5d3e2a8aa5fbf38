"""Retention: what is past its time goes, audited; what is under review never does."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_q.models import Schedule

from access.models import AuditEvent
from access.retention import audit_prune
from generation.models import Job, JobStatus, Video
from moderation.models import Report, ReviewStatus, Screening
from sora_site.retention import retention_plan, retention_run
from tests.jobs import make_job
from tests.people import signed_in_client
from tests.test_api_session import post_json
from tests.test_media import make_video

pytestmark = pytest.mark.django_db


def aged(video: Video, days: int) -> Video:
    Video.objects.filter(pk=video.pk).update(created_at=timezone.now() - timedelta(days=days))
    video.refresh_from_db()
    return video


def old_event(action: str, days: int) -> AuditEvent:
    event = AuditEvent.objects.create(action=action, target="t")
    # The guarded manager refuses updates; the base manager is how a test ages a row.
    AuditEvent._base_manager.filter(pk=event.pk).update(
        created_at=timezone.now() - timedelta(days=days)
    )
    return AuditEvent.objects.get(pk=event.pk)


def test_by_default_everything_is_kept(alice) -> None:
    video = aged(make_video(alice), 3650)
    make_job(alice, JobStatus.FAILED, finished_at=timezone.now() - timedelta(days=3650))
    old_event("site.pause", 3650)
    assert retention_plan() == []
    assert retention_run() == {}
    assert Video.objects.filter(pk=video.pk).exists()
    assert default_storage.exists(str(video.file.name))


def test_an_old_video_goes_with_its_files_and_an_audit_event(settings, alice) -> None:
    settings.RETENTION_VIDEO_DAYS = 30
    old = aged(make_video(alice), 31)
    recent = aged(make_video(alice), 29)
    names = [str(old.file.name), str(old.poster.name)]
    assert retention_run() == {"video": 1}
    assert not Video.objects.filter(pk=old.pk).exists()
    assert Job.objects.filter(pk=old.job_id).exists()  # the record of what was asked stays
    assert not any(default_storage.exists(name) for name in names)
    assert Video.objects.filter(pk=recent.pk).exists()
    event = AuditEvent.objects.get(action="retention.video_delete")
    assert event.target == f"video:{old.pk}"
    assert event.details["owner"] == alice.pk and event.details["kept_days"] == 30


def test_a_video_under_an_open_report_or_a_held_review_is_never_deleted(
    settings, alice, bob
) -> None:
    settings.RETENTION_VIDEO_DAYS = 30
    reported = aged(make_video(alice, shared=True), 400)
    held = aged(make_video(alice), 400)
    report = Report.objects.create(
        subject_type="generation.video", subject_id=reported.pk, reporter=bob, reason="gore"
    )
    Screening.objects.create(
        subject_type="generation.job",
        subject_id=held.job_id,
        submitter=alice,
        text="x",
        verdict="flag",
        review_status=ReviewStatus.PENDING,
    )
    assert retention_run() == {}
    assert Video.objects.filter(pk__in=[reported.pk, held.pk]).count() == 2
    Report.objects.filter(pk=report.pk).update(status=Report.Status.DISMISSED)
    assert retention_run() == {"video": 1}  # once decided, it ages out like any other
    assert not Video.objects.filter(pk=reported.pk).exists()
    assert Video.objects.filter(pk=held.pk).exists()


def test_posters_can_be_kept_shorter_than_their_videos(settings, alice) -> None:
    settings.RETENTION_POSTER_DAYS = 7
    video = aged(make_video(alice), 8)
    poster = str(video.poster.name)
    assert retention_run() == {"poster": 1}
    video.refresh_from_db()
    assert video.poster.name == "" and not default_storage.exists(poster)
    assert default_storage.exists(str(video.file.name))
    response = signed_in_client(alice).get(reverse("video_poster", args=[video.pk]))
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action="retention.poster_delete").count() == 1


def test_old_failed_jobs_go_and_other_jobs_stay(settings, alice) -> None:
    settings.RETENTION_FAILED_JOB_DAYS = 14
    long_ago = timezone.now() - timedelta(days=15)
    old_failed = make_job(alice, JobStatus.FAILED, finished_at=long_ago, error="boom")
    new_failed = make_job(alice, JobStatus.FAILED, finished_at=timezone.now())
    old_cancelled = make_job(alice, JobStatus.CANCELLED, finished_at=long_ago)
    assert retention_run() == {"failed job": 1}
    assert not Job.objects.filter(pk=old_failed.pk).exists()
    assert Job.objects.filter(pk__in=[new_failed.pk, old_cancelled.pk]).count() == 2
    event = AuditEvent.objects.get(action="retention.job_delete")
    assert event.target == f"job:{old_failed.pk}" and event.details["error"] == "boom"


def test_audit_pruning_records_what_it_removed(settings) -> None:
    settings.RETENTION_AUDIT_DAYS = 90
    old = [old_event("auth.login", 100), old_event("person.revoke", 95)]
    recent = old_event("site.pause", 10)
    rows = AuditEvent.objects.filter(pk__in=[e.pk for e in old]).order_by("pk")
    fields = ("id", "created_at", "action", "actor_label", "target", "ip", "details")
    lines = [
        json.dumps(row, sort_keys=True, default=str, separators=(",", ":")) + "\n"
        for row in rows.values(*fields)
    ]
    assert retention_run() == {"audit events": 1}
    assert not AuditEvent.objects.filter(pk__in=[e.pk for e in old]).exists()
    assert AuditEvent.objects.filter(pk=recent.pk).exists()
    prune = AuditEvent.objects.get(action="audit.prune")
    assert prune.details["count"] == 2
    assert (prune.details["first_id"], prune.details["last_id"]) == (old[0].pk, old[1].pk)
    assert prune.details["sha256"] == hashlib.sha256("".join(lines).encode()).hexdigest()
    # The record of a prune is itself never pruned, and the log stays append-only.
    AuditEvent._base_manager.filter(pk=prune.pk).update(
        created_at=timezone.now() - timedelta(days=1000)
    )
    assert retention_plan() == []
    with pytest.raises(PermissionDenied):
        AuditEvent.objects.filter(pk=recent.pk).delete()


def test_audit_pruning_refuses_less_than_thirty_days() -> None:
    with pytest.raises(ValidationError, match="at least 30 days"):
        audit_prune(before=timezone.now(), days=7)


def test_the_dry_run_lists_what_would_go_and_deletes_nothing(settings, alice) -> None:
    settings.RETENTION_VIDEO_DAYS = 30
    video = aged(make_video(alice), 31)
    out = io.StringIO()
    call_command("retention", "--dry-run", stdout=out)
    assert f"would delete video {video.pk} of alice@example.com" in out.getvalue()
    assert "1 item(s) would be deleted; nothing was deleted." in out.getvalue()
    assert Video.objects.filter(pk=video.pk).exists()
    assert not AuditEvent.objects.filter(action__startswith="retention.").exists()
    call_command("retention", stdout=out)
    assert "Deleted 1 video." in out.getvalue()
    assert not Video.objects.filter(pk=video.pk).exists()


def test_the_cleanup_is_scheduled_once_a_day() -> None:
    schedules = Schedule.objects.filter(func="sora_site.retention.retention_run")
    assert [(s.schedule_type, s.repeats) for s in schedules] == [(Schedule.DAILY, -1)]


def test_my_videos_shows_storage_and_a_full_share_refuses_new_videos(settings, alice) -> None:
    settings.STORAGE_CAP_MB = 0.001  # 1048 bytes: the one 1024-byte video nearly fills it
    make_video(alice)
    client = signed_in_client(alice)
    page = client.get(reverse("my_videos")).content.decode()
    assert "Storage: 1.0\xa0KB of 1.0\xa0KB used" in page
    assert "Full" not in page
    make_video(alice)
    page = client.get(reverse("my_videos")).content.decode()
    assert "Full: new videos are refused" in page
    response = post_json(client, reverse("api_jobs"), {"prompt": "a quiet lake"})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "storage_full"
    assert "use all of your 1.0\xa0KB of storage" in response.json()["error"]["message"]
    assert not Job.objects.filter(prompt="a quiet lake").exists()


def test_an_old_step_preview_goes_with_an_audit_event_unless_its_job_is_under_review(
    settings, alice
) -> None:
    from django.core.files.base import ContentFile

    from generation.previews import preview_name

    settings.RETENTION_PREVIEW_DAYS = 7
    ended = timezone.now() - timedelta(days=8)
    old = make_job(alice, JobStatus.SUCCEEDED, finished_at=ended, preview_step=5)
    held = make_job(alice, JobStatus.FAILED, finished_at=ended, preview_step=5)
    recent = make_job(alice, JobStatus.SUCCEEDED, finished_at=timezone.now(), preview_step=5)
    for job in (old, held, recent):
        default_storage.save(preview_name(job.pk), ContentFile(b"jpeg"))
    Screening.objects.create(
        subject_type="generation.job",
        subject_id=held.pk,
        submitter=alice,
        text="x",
        verdict="flag",
        review_status=ReviewStatus.PENDING,
    )
    assert retention_run() == {"preview": 1}
    assert not default_storage.exists(preview_name(old.pk))
    assert Job.objects.get(pk=old.pk).preview_step is None
    for kept in (held, recent):
        assert default_storage.exists(preview_name(kept.pk))
        assert Job.objects.get(pk=kept.pk).preview_step == 5
    event = AuditEvent.objects.get(action="retention.preview_delete")
    assert event.target == f"job:{old.pk}" and event.details["kept_days"] == 7
