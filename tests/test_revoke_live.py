"""Revocation against a real ASGI server and a real websocket client.

The person's open socket must close within one second of the revocation, and
their next HTTP request with the same session must be refused.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import websockets
from channels.layers import channel_layers
from django.conf import settings
from django.test import Client
from websockets.typing import Origin

from access.services import person_revoke
from tests.services import run_coroutine, web_serving

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def redis_layer(redis_url: str, settings) -> Iterator[str]:
    """Use the same Redis channel layer as the server, so our signal reaches it."""
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [redis_url]},
        }
    }
    channel_layers.backends.clear()
    yield redis_url
    channel_layers.backends.clear()


@pytest.fixture
def web_server(redis_layer: str, tmp_path: Path) -> Iterator[str]:
    with web_serving(tmp_path / "var", REDIS_URL=redis_layer) as server:
        yield server.base


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}"


async def watch_until_closed(url: str, cookie: str, origin: str, opened: asyncio.Event) -> tuple:
    headers = {"Cookie": cookie}
    async with websockets.connect(url, additional_headers=headers, origin=Origin(origin)) as ws:
        hello = json.loads(await ws.recv())
        assert hello["type"] == "hello"
        opened.set()
        messages = []
        try:
            while True:
                messages.append(json.loads(await asyncio.wait_for(ws.recv(), timeout=10)))
        except websockets.ConnectionClosed as closed:
            return time.monotonic(), closed.rcvd.code if closed.rcvd else None, messages


def test_a_revoked_persons_open_socket_closes_within_a_second(
    web_server: str, alice, staff_user
) -> None:
    cookie = session_cookie(alice)
    assert requests.get(f"{web_server}/videos/", headers={"Cookie": cookie}, timeout=5).ok

    async def scenario() -> tuple[float, tuple]:
        opened = asyncio.Event()
        ws_url = web_server.replace("http", "ws") + "/ws/events/"
        watcher = asyncio.create_task(watch_until_closed(ws_url, cookie, web_server, opened))
        await asyncio.wait_for(opened.wait(), timeout=10)
        revoked_at = time.monotonic()
        await asyncio.to_thread(
            person_revoke, user=alice, by=staff_user, reason="token posted publicly"
        )
        return revoked_at, await watcher

    revoked_at, (closed_at, code, messages) = run_coroutine(scenario())
    assert code == 4403
    assert {"type": "revoked", "message": "Your access to this studio was revoked."} in messages
    assert closed_at - revoked_at < 1.0, f"socket closed {closed_at - revoked_at:.2f} s later"

    refused = requests.get(
        f"{web_server}/videos/", headers={"Cookie": cookie}, timeout=5, allow_redirects=False
    )
    assert refused.status_code == 302 and "/accounts/login/" in refused.headers["Location"]
