"""My videos, the community gallery, a video's page, sharing."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from generation.models import JobStatus, Video
from moderation.models import Report
from tests.jobs import csrf_token, make_job
from tests.people import signed_in_client
from tests.test_media import make_video


def test_my_videos_lists_my_jobs_newest_first_and_not_other_peoples(alice, bob) -> None:
    make_job(alice, prompt="first: a fox in snow", status=JobStatus.FAILED, error="boom")
    make_video(alice, prompt="second: a red kite over hills")
    make_job(alice, prompt="third: waves at night", status=JobStatus.RUNNING)
    make_job(bob, prompt="bob's secret prompt")
    page = signed_in_client(alice).get(reverse("my_videos")).content.decode()
    positions = [page.index(p) for p in ("third: waves", "second: a red kite", "first: a fox")]
    assert positions == sorted(positions)
    assert "bob&#x27;s secret prompt" not in page and "secret prompt" not in page
    assert 'class="badge running"' in page and 'class="badge failed"' in page


def test_my_videos_shows_finished_videos_as_playable_posters(alice) -> None:
    video = make_video(alice)
    page = signed_in_client(alice).get(reverse("my_videos")).content.decode()
    assert f'data-src="{reverse("video_media", args=[video.pk])}"' in page
    assert f'src="{reverse("video_poster", args=[video.pk])}"' in page


def test_active_jobs_in_my_videos_carry_live_hooks(alice) -> None:
    job = make_job(alice, status=JobStatus.QUEUED)
    page = signed_in_client(alice).get(reverse("my_videos")).content.decode()
    assert f'data-job-id="{job.pk}"' in page
    assert f'data-status-url="{reverse("job_status", args=[job.pk])}"' in page
    assert "js/live.js" in page and "js/gallery.js" in page


def test_my_videos_is_paginated(alice, settings) -> None:
    settings.GALLERY_PAGE_SIZE = 2
    for name in ("oldest-prompt", "middle-prompt", "newest-prompt"):
        make_job(alice, prompt=name)
    client = signed_in_client(alice)
    first = client.get(reverse("my_videos")).content.decode()
    second = client.get(reverse("my_videos") + "?page=2").content.decode()
    assert "newest-prompt" in first and "middle-prompt" in first and "oldest-prompt" not in first
    assert "oldest-prompt" in second and "newest-prompt" not in second
    assert "Page 1 of 2" in first


def test_community_shows_only_shared_visible_videos(alice, bob) -> None:
    make_video(alice, prompt="shared-and-visible", shared=True)
    make_video(alice, prompt="private-one")
    make_video(alice, prompt="hidden-one", shared=True, hidden=True)
    make_video(alice, prompt="removed-one", shared=True, hidden=True, removed=True)
    page = signed_in_client(bob).get(reverse("community")).content.decode()
    assert "shared-and-visible" in page
    for absent in ("private-one", "hidden-one", "removed-one"):
        assert absent not in page


def test_community_lists_the_most_recently_shared_first_and_paginates(alice, settings) -> None:
    settings.GALLERY_PAGE_SIZE = 1
    older = make_video(alice, prompt="shared-long-ago", shared=True)
    make_video(alice, prompt="shared-just-now", shared=True)
    Video.objects.filter(pk=older.pk).update(shared_at=timezone.now() - timedelta(days=2))
    client = signed_in_client(alice)
    assert "shared-just-now" in client.get(reverse("community")).content.decode()
    assert "shared-long-ago" in client.get(reverse("community") + "?page=2").content.decode()


def test_the_owner_sees_the_video_page_with_settings_and_share_button(alice) -> None:
    video = make_video(alice, prompt="a glass whale", seed=4242)
    response = signed_in_client(alice).get(reverse("video_detail", args=[video.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "a glass whale" in page and "4242" in page and "builtin" in page
    assert reverse("video_remix", args=[video.pk]) in page
    assert reverse("video_media", args=[video.pk]) + "?download=1" in page
    assert "Share with the community" in page


def test_another_artist_gets_404_for_a_private_video_page(alice, bob) -> None:
    video = make_video(alice)
    assert signed_in_client(bob).get(reverse("video_detail", args=[video.pk])).status_code == 404


def test_another_artist_sees_a_shared_video_without_owner_controls(alice, bob) -> None:
    video = make_video(alice, shared=True)
    page = signed_in_client(bob).get(reverse("video_detail", args=[video.pk])).content.decode()
    assert "Stop sharing" not in page and reverse("video_share", args=[video.pk]) not in page
    assert reverse("video_remix", args=[video.pk]) in page


def test_a_moderator_sees_a_hidden_video(alice, bob) -> None:
    bob.user_permissions.add(Permission.objects.get(codename="view_video"))
    video = make_video(alice, hidden=True)
    assert signed_in_client(bob).get(reverse("video_detail", args=[video.pk])).status_code == 200


def test_the_owner_is_told_a_moderator_hid_the_video(alice) -> None:
    video = make_video(alice, shared=True, hidden=True)
    Video.objects.filter(pk=video.pk).update(hidden_reason="Looks like a real person")
    page = signed_in_client(alice).get(reverse("video_detail", args=[video.pk])).content.decode()
    assert "A moderator hid this video" in page and "Looks like a real person" in page


def test_a_removed_video_shows_a_notice_and_no_player_to_its_owner(alice) -> None:
    video = make_video(alice, removed=True, hidden=True)
    page = signed_in_client(alice).get(reverse("video_detail", args=[video.pk])).content.decode()
    assert "A moderator removed this video" in page
    assert reverse("video_media", args=[video.pk]) not in page


def test_the_owner_can_share_and_unshare(alice, bob) -> None:
    video = make_video(alice)
    client = signed_in_client(alice)
    url = reverse("video_share", args=[video.pk])
    token = csrf_token(client)
    response = client.post(url, {"shared": "1", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    video.refresh_from_db()
    assert video.shared and video.shared_at is not None
    assert (
        "a lighthouse at dusk" in signed_in_client(bob).get(reverse("community")).content.decode()
    )
    client.post(url, {"shared": "0", "csrfmiddlewaretoken": token})
    video.refresh_from_db()
    assert not video.shared and video.shared_at is None


def test_another_artist_cannot_share_or_unshare_my_video(alice, bob) -> None:
    private = make_video(alice)
    shared = make_video(alice, shared=True)
    client = signed_in_client(bob)
    token = csrf_token(client)
    for video, value in ((private, "1"), (shared, "0")):
        response = client.post(
            reverse("video_share", args=[video.pk]), {"shared": value, "csrfmiddlewaretoken": token}
        )
        assert response.status_code == 404
    assert not Video.objects.get(pk=private.pk).shared
    assert Video.objects.get(pk=shared.pk).shared


def test_sharing_needs_a_csrf_token(alice) -> None:
    video = make_video(alice)
    response = signed_in_client(alice).post(
        reverse("video_share", args=[video.pk]), {"shared": "1"}
    )
    assert response.status_code == 403
    assert not Video.objects.get(pk=video.pk).shared


def test_anonymous_visitors_are_sent_to_sign_in_from_every_gallery(alice) -> None:
    video = make_video(alice, shared=True)
    for url in (
        reverse("my_videos"),
        reverse("community"),
        reverse("video_detail", args=[video.pk]),
    ):
        response = signed_in_client(None).get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_an_artist_without_jobs_sees_the_empty_gallery_even_when_others_have_jobs(
    alice, bob
) -> None:
    make_job(bob)
    page = signed_in_client(alice).get(reverse("my_videos")).content.decode()
    assert "Nothing here yet" in page


def test_another_artist_can_report_a_shared_video(alice, bob) -> None:
    video = make_video(alice, shared=True, prompt="a shared heron")
    client = signed_in_client(bob)
    page = client.get(reverse("video_detail", args=[video.pk])).content.decode()
    assert reverse("video_report", args=[video.pk]) in page
    response = client.post(
        reverse("video_report", args=[video.pk]),
        {"reason": "Looks like a real person", "csrfmiddlewaretoken": csrf_token(client)},
        follow=True,
    )
    assert "A moderator will look at it." in response.content.decode()
    report = Report.objects.get()
    assert (report.reporter, report.subject_owner) == (bob, alice)
    assert (report.subject_type, report.subject_id) == ("generation.video", video.pk)
    assert (report.reason, report.subject_text) == ("Looks like a real person", "a shared heron")


def test_the_owner_is_not_offered_a_report_and_cannot_file_one(alice) -> None:
    video = make_video(alice, shared=True)
    client = signed_in_client(alice)
    page = client.get(reverse("video_detail", args=[video.pk])).content.decode()
    assert reverse("video_report", args=[video.pk]) not in page
    client.post(
        reverse("video_report", args=[video.pk]),
        {"reason": "spam", "csrfmiddlewaretoken": csrf_token(client)},
    )
    assert Report.objects.count() == 0


def test_nobody_can_report_a_video_they_cannot_see(alice, bob) -> None:
    video = make_video(alice)
    client = signed_in_client(bob)
    response = client.post(
        reverse("video_report", args=[video.pk]),
        {"reason": "spam", "csrfmiddlewaretoken": csrf_token(client)},
    )
    assert response.status_code == 404
    assert Report.objects.count() == 0


def test_a_report_needs_a_reason(alice, bob) -> None:
    video = make_video(alice, shared=True)
    client = signed_in_client(bob)
    response = client.post(
        reverse("video_report", args=[video.pk]),
        {"reason": "  ", "csrfmiddlewaretoken": csrf_token(client)},
        follow=True,
    )
    assert "Say briefly what is wrong" in response.content.decode()
    assert Report.objects.count() == 0
