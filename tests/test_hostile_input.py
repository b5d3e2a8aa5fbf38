"""Hostile input gets a 4xx with a clear message and writes nothing; unexpected
errors in the API are JSON with an id that is also in the log."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
import redis
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.urls import reverse

from access.models import AuditEvent
from generation.forms import GenerationForm
from generation.media import RangeNotSatisfiable, parse_range
from generation.models import Job
from sora_site.asgi import application
from tests.jobs import make_user
from tests.people import signed_in_client
from tests.test_media import CONTENT, body, make_video
from tests.test_websocket import ORIGIN, session_cookie_for

HUGE = "9" * 400


def session_client(user: object) -> Client:
    """Signed in, CSRF not enforced: these tests are about the body, not the session."""
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def api_post(client: Client, raw_body: str | bytes) -> Any:
    return client.post("/api/v1/jobs", data=raw_body, content_type="application/json")


@pytest.mark.parametrize("field", ["guidance", "duration"])
def test_a_400_digit_number_in_a_float_field_is_invalid(alice, field: str) -> None:
    response = api_post(session_client(alice), f'{{"prompt": "a boat", "{field}": {HUGE}}}')
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["fields"][field] == ["Enter a number."]
    assert not Job.objects.exists()


def test_json_nested_100000_deep_is_malformed(alice) -> None:
    deep = '{"prompt": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = api_post(session_client(alice), deep)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed"
    assert not Job.objects.exists()


@pytest.mark.parametrize("field", ["prompt", "negative_prompt"])
def test_a_lone_surrogate_in_the_text_is_refused(alice, field: str) -> None:
    payload = '{"prompt": "a boat", "' + field + '": "sea \\ud800 foam"}'
    response = api_post(session_client(alice), payload)
    assert response.status_code == 400
    assert "lone surrogate" in response.json()["error"]["fields"][field][0]
    assert not Job.objects.exists()


def test_the_form_refuses_a_lone_surrogate_too(db) -> None:
    form = GenerationForm({"prompt": "sea \ud800 foam"})
    assert not form.is_valid()
    assert "lone surrogate" in form.errors["prompt"][0]


def test_a_body_over_the_upload_limit_is_413(alice, settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api_post(session_client(alice), json.dumps({"prompt": "x" * 2000}))
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


def test_parse_range_reads_5000_digit_positions_as_past_the_end() -> None:
    digits = "9" * 5000
    with pytest.raises(RangeNotSatisfiable):
        parse_range(f"bytes={digits}-", 10)
    assert parse_range(f"bytes=0-{digits}", 10) == (0, 9)
    assert parse_range(f"bytes=-{digits}", 10) == (0, 9)
    assert parse_range(f"bytes={'0' * 5000}3-4", 10) == (3, 4)  # leading zeros are fine


def test_a_5000_digit_range_header_gets_416(alice) -> None:
    video = make_video(alice)
    client = signed_in_client(alice)
    url = reverse("video_media", args=[video.pk])
    refused = client.get(url, HTTP_RANGE=f"bytes={'9' * 5000}-")
    assert refused.status_code == 416
    assert refused["Content-Range"] == f"bytes */{len(CONTENT)}"
    clipped = client.get(url, HTTP_RANGE=f"bytes=1020-{'9' * 5000}")
    assert clipped.status_code == 206
    assert body(clipped) == CONTENT[1020:]


def test_an_unexpected_api_error_is_json_with_an_id_in_the_log(alice, monkeypatch, caplog) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("simulated bug")

    monkeypatch.setattr("generation.api.selectors.videos_of", broken)
    client = signed_in_client(alice)
    client.raise_request_exception = False
    with caplog.at_level(logging.ERROR, logger="sora_site.errors"):
        response = client.get("/api/v1/videos")
    assert response.status_code == 500
    error = response.json()["error"]
    assert error["code"] == "server_error"
    assert error["id"] in error["message"]
    logged = [r for r in caplog.records if r.name == "sora_site.errors"]
    assert logged and error["id"] in logged[0].getMessage()
    assert "simulated bug" in str(logged[0].exc_info[1])


def test_an_unexpected_page_error_shows_the_id_too(alice, monkeypatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("simulated bug")

    monkeypatch.setattr("generation.views.selectors.jobs_of", broken)
    client = signed_in_client(alice)
    client.raise_request_exception = False
    response = client.get(reverse("my_videos"))
    assert response.status_code == 500
    assert b"error id" in response.content


def test_redis_down_makes_the_api_answer_503_unavailable(alice, monkeypatch) -> None:
    def down(*args: object, **kwargs: object) -> None:
        raise redis.ConnectionError("Error 111 connecting: Connection refused.")

    monkeypatch.setattr("access.policy.cache.add", down)
    client = session_client(alice)
    client.raise_request_exception = False
    response = api_post(client, json.dumps({"prompt": "a boat"}))
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "unavailable"
    assert int(response["Retry-After"]) > 0
    assert not Job.objects.exists()


def test_an_unknown_api_url_is_a_json_404(alice) -> None:
    response = signed_in_client(alice).get("/api/v1/nope")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_hostile_input_writes_no_audit_event(alice) -> None:
    client = session_client(alice)  # signing in is audited; what follows must not be
    before = AuditEvent.objects.count()
    assert api_post(client, '{"prompt": "\\udfff"}').status_code == 400
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
@pytest.mark.parametrize(
    "frame", [{"text": "not json"}, {"text": ""}, {"text": "[" * 100_000}, {"bytes": b"\x00\xff"}]
)
async def test_a_malformed_websocket_frame_gets_an_error_and_the_socket_lives(frame) -> None:
    user = await database_sync_to_async(make_user)("ws@example.com")
    cookie = await database_sync_to_async(session_cookie_for)(user)
    communicator = WebsocketCommunicator(
        application, "/ws/events/", headers=[ORIGIN, (b"cookie", cookie)]
    )
    connected, _ = await communicator.connect()
    assert connected
    assert (await communicator.receive_json_from())["type"] == "hello"
    await communicator.send_input({"type": "websocket.receive", **frame})
    error = await communicator.receive_json_from(timeout=2)
    assert error["type"] == "error"
    assert "JSON" in error["message"]
    await communicator.send_json_to({"type": "ping"})
    assert (await communicator.receive_json_from(timeout=2))["type"] == "pong"
    await communicator.disconnect()
