"""Hostile input against the real web server (uvicorn, as serve starts it)."""

from __future__ import annotations

import json
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import websockets
from websockets.typing import Origin

from sora_site.asgi_server import web_server_argv
from tests.jobs import make_user
from tests.services import (
    ROOT,
    free_port,
    run_coroutine,
    stop_process,
    subprocess_env,
    wait_for_http,
)
from tests.test_websocket import session_cookie_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def web(tmp_path: Path, redis_url: str) -> Iterator[int]:
    port = free_port()
    process = subprocess.Popen(
        web_server_argv(host="127.0.0.1", port=port, workers=1),
        cwd=ROOT,
        env=subprocess_env(tmp_path / "var", REDIS_URL=redis_url),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    wait_for_http(f"http://127.0.0.1:{port}/status", timeout=60, process=process)
    yield port
    stop_process(process)


def raw_request(port: int, head: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_headers_over_16_kb_get_431(web: int) -> None:
    big = b"X-Filler: " + b"a" * 20_000 + b"\r\n"
    answer = raw_request(web, b"GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\n" + big + b"\r\n")
    assert answer.startswith(b"HTTP/1.1 431 ")
    assert b"under 16 KB" in answer


def test_headers_under_the_limit_are_served(web: int) -> None:
    some = b"X-Filler: " + b"a" * 8_000 + b"\r\n"
    head = b"GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + some + b"\r\n"
    assert raw_request(web, head).startswith(b"HTTP/1.1 200 ")


def test_malformed_websocket_frames_never_crash_the_socket(web: int) -> None:
    cookie = session_cookie_for(make_user("wslive@example.com")).decode()

    async def talk() -> list[dict]:
        url = f"ws://127.0.0.1:{web}/ws/events/"
        origin = Origin(f"http://127.0.0.1:{web}")
        async with websockets.connect(
            url, additional_headers={"Cookie": cookie}, origin=origin
        ) as ws:
            replies = [json.loads(await ws.recv())]
            for frame in ("not json", "", b"\x00\xff", "[" * 50_000):
                await ws.send(frame)
                replies.append(json.loads(await ws.recv()))
            await ws.send(json.dumps({"type": "ping"}))
            replies.append(json.loads(await ws.recv()))
            return replies

    replies = run_coroutine(talk())
    assert [r["type"] for r in replies] == ["hello", "error", "error", "error", "error", "pong"]
