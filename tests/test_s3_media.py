"""Shared media in an S3-compatible object store (a real moto server process)."""

from __future__ import annotations

import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from generation import tasks
from generation.backends import model_cache_clear
from generation.models import JobStatus, Video
from tests.jobs import make_job
from tests.people import signed_in_client
from tests.services import S3Server, s3_client, s3_storage_settings
from tests.test_media import CONTENT, body, make_video


@pytest.fixture
def s3_media(s3_server: S3Server, settings) -> str:
    prefix = f"media-{uuid.uuid4().hex[:8]}"
    settings.STORAGES = {**settings.STORAGES, "default": s3_storage_settings(s3_server, prefix)}
    return prefix


def keys_under(server: S3Server, prefix: str) -> list[str]:
    listing = s3_client(server.endpoint).list_objects_v2(Bucket=server.bucket, Prefix=prefix)
    return sorted(item["Key"] for item in listing.get("Contents", []))


def test_settings_turn_media_storage_url_into_a_private_s3_backend(monkeypatch) -> None:
    from sora_site.settings import _media_storage

    monkeypatch.setenv("MEDIA_STORAGE_URL", "s3://studio-media/prod/videos/")
    monkeypatch.setenv("MEDIA_S3_ENDPOINT_URL", "http://127.0.0.1:9000")
    monkeypatch.setenv("MEDIA_S3_REGION", "eu-west-1")
    config = _media_storage()
    assert config["BACKEND"] == "storages.backends.s3.S3Storage"
    options = config["OPTIONS"]
    assert (options["bucket_name"], options["location"]) == ("studio-media", "prod/videos")
    assert (options["endpoint_url"], options["region_name"]) == (
        "http://127.0.0.1:9000",
        "eu-west-1",
    )
    assert options["default_acl"] == "private" and options["querystring_auth"] is True
    monkeypatch.setenv("MEDIA_STORAGE_URL", "s3:///no-bucket")
    with pytest.raises(Exception, match="needs a bucket"):
        _media_storage()


def test_a_worker_stores_the_video_in_the_bucket_not_on_local_disk(
    alice, s3_server, s3_media, settings
) -> None:
    model_cache_clear()
    job = make_job(alice, steps=1)
    assert tasks.job_run(job.pk) == JobStatus.SUCCEEDED
    video = Video.objects.get(job=job)
    keys = keys_under(s3_server, s3_media)
    assert f"{s3_media}/{video.file.name}" in keys and f"{s3_media}/{video.poster.name}" in keys
    assert not (Path(settings.DATA_DIR) / "media" / str(video.file.name)).exists()
    assert video.file.size == video.size_bytes


def test_media_from_the_bucket_streams_to_the_owner_with_ranges(alice, bob, s3_media) -> None:
    video = make_video(alice)
    owner = signed_in_client(alice)
    url = reverse("video_media", args=[video.pk])
    whole = owner.get(url)
    assert whole.status_code == 200 and body(whole) == CONTENT
    assert whole["Cache-Control"] == "private, no-store"
    part = owner.get(url, headers={"range": "bytes=10-19"})
    assert part.status_code == 206 and body(part) == CONTENT[10:20]
    assert part["Content-Range"] == f"bytes 10-19/{len(CONTENT)}"
    tail = owner.get(url, headers={"range": "bytes=-5"})
    assert body(tail) == CONTENT[-5:]
    refused = owner.get(url, headers={"range": f"bytes={len(CONTENT)}-"})
    assert refused.status_code == 416 and refused["Content-Range"] == f"bytes */{len(CONTENT)}"
    assert signed_in_client(bob).get(url).status_code == 404  # not shared: not bob's to see


def test_a_missing_object_is_a_404_not_a_500(alice, s3_server, s3_media) -> None:
    video = make_video(alice)
    s3_client(s3_server.endpoint).delete_object(
        Bucket=s3_server.bucket, Key=f"{s3_media}/{video.file.name}"
    )
    response = signed_in_client(alice).get(reverse("video_media", args=[video.pk]))
    assert response.status_code == 404


def test_objects_are_private_and_any_url_is_signed_and_short_lived(
    alice, s3_server, s3_media
) -> None:
    video = make_video(alice)
    key = f"{s3_media}/{video.file.name}"
    acl = s3_client(s3_server.endpoint).get_object_acl(Bucket=s3_server.bucket, Key=key)
    grantees = [grant["Grantee"].get("URI", "") for grant in acl["Grants"]]
    assert not any("AllUsers" in uri or "AuthenticatedUsers" in uri for uri in grantees)
    signed = urlparse(default_storage.url(video.file.name))
    query = parse_qs(signed.query)
    assert query["X-Amz-Expires"] == ["300"] and "X-Amz-Signature" in query
    # The object's key is random (no prompt, no name) and the page never shows it.
    page = signed_in_client(alice).get(reverse("video_detail", args=[video.pk]))
    assert s3_server.endpoint not in page.content.decode()
