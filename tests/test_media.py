"""Video and poster files: only for people who may see the video, with byte ranges."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission, User
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from generation.media import RangeNotSatisfiable, parse_range
from generation.models import JobStatus, Video
from tests.jobs import make_job
from tests.people import signed_in_client

CONTENT = bytes(range(256)) * 4  # 1024 distinct-ish bytes, so slices are checkable
POSTER = b"\xff\xd8\xff\xe0fake-jpeg"


def make_video(
    owner: User,
    *,
    shared: bool = False,
    hidden: bool = False,
    removed: bool = False,
    content: bytes = CONTENT,
    **job_fields: Any,
) -> Video:
    """A finished job with a stored video, as the worker would leave it."""
    job = make_job(owner, status=JobStatus.SUCCEEDED, **job_fields)
    video = Video(
        job=job,
        owner=owner,
        width=job.width,
        height=job.height,
        num_frames=job.num_frames,
        fps=job.fps,
        duration_seconds=job.num_frames / job.fps,
        size_bytes=len(content),
        seed=job.seed,
        model_name=job.model_name,
        gpu_seconds=0.5,
        shared=shared,
        shared_at=timezone.now() if shared else None,
        hidden=hidden,
        removed=removed,
    )
    video.file.save("video.mp4", ContentFile(content), save=False)
    video.poster.save("poster.jpg", ContentFile(POSTER), save=False)
    video.save()
    return video


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def test_the_owner_gets_the_whole_video_privately(alice) -> None:
    video = make_video(alice)
    response = signed_in_client(alice).get(reverse("video_media", args=[video.pk]))
    assert response.status_code == 200
    assert body(response) == CONTENT
    assert response["Content-Type"] == "video/mp4"
    assert response["Content-Length"] == str(len(CONTENT))
    assert response["Accept-Ranges"] == "bytes"
    assert response["Cache-Control"] == "private, no-store"
    assert "Content-Disposition" not in response


def test_the_poster_is_a_jpeg_for_the_owner(alice) -> None:
    video = make_video(alice)
    response = signed_in_client(alice).get(reverse("video_poster", args=[video.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert body(response) == POSTER


@pytest.mark.parametrize("name", ["video_media", "video_poster"])
def test_another_artist_gets_404_for_a_private_video(alice, bob, name) -> None:
    video = make_video(alice)
    assert signed_in_client(bob).get(reverse(name, args=[video.pk])).status_code == 404


@pytest.mark.parametrize("name", ["video_media", "video_poster"])
def test_another_artist_may_play_a_shared_video(alice, bob, name) -> None:
    video = make_video(alice, shared=True)
    assert signed_in_client(bob).get(reverse(name, args=[video.pk])).status_code == 200


@pytest.mark.parametrize("flag", ["hidden", "removed"])
def test_a_shared_video_a_moderator_took_down_is_404_for_others(alice, bob, flag) -> None:
    takedown: dict[str, Any] = {flag: True}
    video = make_video(alice, shared=True, **takedown)
    assert signed_in_client(bob).get(reverse("video_media", args=[video.pk])).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(alice) -> None:
    video = make_video(alice, shared=True)
    response = signed_in_client(None).get(reverse("video_media", args=[video.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_removed_video_is_not_playable_even_by_its_owner(alice) -> None:
    video = make_video(alice, removed=True, hidden=True)
    assert signed_in_client(alice).get(reverse("video_media", args=[video.pk])).status_code == 404


def test_a_moderator_can_play_a_removed_video(alice, bob) -> None:
    bob.user_permissions.add(Permission.objects.get(codename="view_video"))
    video = make_video(alice, removed=True, hidden=True)
    response = signed_in_client(bob).get(reverse("video_media", args=[video.pk]))
    assert response.status_code == 200
    assert body(response) == CONTENT


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [
        ("bytes=2-5", 2, 5),
        ("bytes=1000-", 1000, 1023),
        ("bytes=-4", 1020, 1023),
        ("bytes=1020-5000", 1020, 1023),  # the end is clipped to the file
    ],
)
def test_a_range_request_gets_exactly_those_bytes(alice, header, first, last) -> None:
    video = make_video(alice)
    response = signed_in_client(alice).get(
        reverse("video_media", args=[video.pk]), HTTP_RANGE=header
    )
    assert response.status_code == 206
    assert body(response) == CONTENT[first : last + 1]
    assert response["Content-Range"] == f"bytes {first}-{last}/{len(CONTENT)}"
    assert response["Content-Length"] == str(last - first + 1)
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("header", ["bytes=1024-", "bytes=5000-6000", "bytes=-0"])
def test_an_unsatisfiable_range_gets_416_with_the_size(alice, header) -> None:
    video = make_video(alice)
    response = signed_in_client(alice).get(
        reverse("video_media", args=[video.pk]), HTTP_RANGE=header
    )
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(CONTENT)}"


@pytest.mark.parametrize("header", ["items=0-3", "bytes=0-1,4-5", "bytes=9-2", "bytes=-"])
def test_a_range_we_do_not_serve_falls_back_to_the_whole_file(alice, header) -> None:
    video = make_video(alice)
    response = signed_in_client(alice).get(
        reverse("video_media", args=[video.pk]), HTTP_RANGE=header
    )
    assert response.status_code == 200
    assert body(response) == CONTENT


def test_a_range_request_for_someone_elses_video_is_still_404(alice, bob) -> None:
    video = make_video(alice)
    response = signed_in_client(bob).get(
        reverse("video_media", args=[video.pk]), HTTP_RANGE="bytes=0-3"
    )
    assert response.status_code == 404


def test_the_download_link_sends_an_attachment(alice) -> None:
    video = make_video(alice)
    response = signed_in_client(alice).get(reverse("video_media", args=[video.pk]) + "?download=1")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="video-{video.pk}.mp4"'


def test_parse_range_reads_the_three_single_range_forms() -> None:
    assert parse_range("bytes=0-0", 10) == (0, 0)
    assert parse_range("bytes=3-", 10) == (3, 9)
    assert parse_range("bytes=-20", 10) == (0, 9)
    with pytest.raises(RangeNotSatisfiable):
        parse_range("bytes=0-", 0)
