"""The live-progress websocket: the owner receives, nobody else does."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from generation.progress import appeal_broadcast, job_broadcast
from sora_site.asgi import application
from tests.jobs import make_job, make_user

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]
ORIGIN = (b"origin", b"http://127.0.0.1")


def session_cookie_for(user) -> bytes:
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}".encode()


async def connect(cookie: bytes | None = None, origin: tuple[bytes, bytes] | None = ORIGIN):
    headers = [origin] if origin else []
    if cookie:
        headers.append((b"cookie", cookie))
    communicator = WebsocketCommunicator(application, "/ws/events/", headers=headers)
    connected, _ = await communicator.connect()
    return communicator, connected


async def test_the_owner_receives_status_and_progress_of_their_job() -> None:
    alice = await database_sync_to_async(make_user)("alice@example.com")
    job = await database_sync_to_async(make_job)(alice, progress_step=2, progress_total=4)
    communicator, connected = await connect(await database_sync_to_async(session_cookie_for)(alice))
    assert connected
    assert (await communicator.receive_json_from())["type"] == "hello"
    await database_sync_to_async(job_broadcast)(job_id=job.pk)
    message = await communicator.receive_json_from(timeout=2)
    assert message["type"] == "job"
    assert message["job"]["id"] == job.pk
    assert message["job"]["status"] == "queued"
    assert (message["job"]["step"], message["job"]["steps"]) == (2, 4)
    assert message["job"]["queue_position"] == 1
    await communicator.disconnect()


async def test_another_artist_receives_nothing_about_it() -> None:
    alice = await database_sync_to_async(make_user)("alice@example.com")
    bob = await database_sync_to_async(make_user)("bob@example.com")
    job = await database_sync_to_async(make_job)(alice)
    communicator, connected = await connect(await database_sync_to_async(session_cookie_for)(bob))
    assert connected
    await communicator.receive_json_from()  # hello
    await database_sync_to_async(job_broadcast)(job_id=job.pk)
    assert await communicator.receive_nothing(timeout=0.5)
    await communicator.disconnect()


async def test_anonymous_visitors_are_refused() -> None:
    _, connected = await connect(cookie=None)
    assert not connected


async def test_a_foreign_origin_is_refused_even_with_a_session() -> None:
    alice = await database_sync_to_async(make_user)("alice@example.com")
    cookie = await database_sync_to_async(session_cookie_for)(alice)
    _, connected = await connect(cookie, origin=(b"origin", b"https://evil.example"))
    assert not connected
    _, connected = await connect(cookie, origin=None)
    assert not connected


async def test_open_sockets_are_counted_for_metrics_and_refused_ones_are_not() -> None:
    from generation.metrics import WEBSOCKETS_OPEN

    before = WEBSOCKETS_OPEN._value.get()
    _, connected = await connect()  # anonymous: refused before the handshake
    assert not connected
    assert WEBSOCKETS_OPEN._value.get() == before
    alice = await database_sync_to_async(make_user)("alice@example.com")
    communicator, connected = await connect(await database_sync_to_async(session_cookie_for)(alice))
    assert connected
    assert WEBSOCKETS_OPEN._value.get() == before + 1
    await communicator.disconnect()
    assert WEBSOCKETS_OPEN._value.get() == before


async def test_an_appeal_decision_reaches_the_artists_open_page() -> None:
    alice = await database_sync_to_async(make_user)("alice@example.com")
    job = await database_sync_to_async(make_job)(alice, status="rejected")
    communicator, connected = await connect(await database_sync_to_async(session_cookie_for)(alice))
    assert connected
    await communicator.receive_json_from()  # hello
    await database_sync_to_async(appeal_broadcast)(
        job_id=job.pk, owner_id=alice.pk, granted=False, reason="Real injuries shown."
    )
    assert await communicator.receive_json_from(timeout=2) == {
        "type": "appeal",
        "job_id": job.pk,
        "granted": False,
        "message": "Appeal turned down: Real injuries shown.",
    }
    await communicator.disconnect()
