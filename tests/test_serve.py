"""`manage.py serve` as a person runs it: starts everything, serves, stops cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.services import (
    ROOT,
    free_port,
    manage,
    processes_mentioning,
    stop_process,
    subprocess_env,
    wait_for_http,
)

pytestmark = pytest.mark.slow


def start_serve(data_dir: Path, port: int, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_until_healthy(base: str, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    body: dict = {}
    while time.monotonic() < deadline:
        response = requests.get(f"{base}/healthz", timeout=2)
        body = response.json()
        if response.status_code == 200:
            return body
        time.sleep(0.3)
    raise AssertionError(f"/healthz never became healthy: {body}")


def assert_nothing_left(data_dir: Path, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while processes_mentioning(str(data_dir)) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = processes_mentioning(str(data_dir))
    assert not left, f"processes left behind: {[p.cmdline() for p in left]}"


def embedded_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(SORA_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="sora_site.settings")
    env["PYTHONUNBUFFERED"] = "1"
    return env


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_serve_runs_embedded_stack_and_stops_without_leftovers(
    tmp_path: Path, stop_signal: int
) -> None:
    data_dir = tmp_path / "var"
    env = embedded_env(data_dir)
    manage(data_dir, "migrate", "--noinput", env=env)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = start_serve(data_dir, port, env)
    try:
        wait_for_http(f"{base}/healthz", timeout=60, process=process)
        health = wait_until_healthy(base)
        assert health["checks"]["redis"]["ok"] is True
        assert health["checks"]["worker"]["ok"] is True
        assert (data_dir / "redis" / "redis.sock").exists()  # the embedded Redis, in the data dir
        login = requests.get(f"{base}/accounts/login/", timeout=5)
        assert login.status_code == 200
        assert 'name="login"' in login.text
    finally:
        output = stop_process(process, stop_signal)
    assert process.returncode == 0, output
    assert "Studio stopped." in output
    assert "/invite/" in output, "first start must print a staff invitation link"
    assert_nothing_left(data_dir)
    for state in ("db.sqlite3", "secret_key", "media"):
        assert (data_dir / state).exists(), f"{state} must live in the data directory"


def test_serve_refuses_a_second_instance_on_the_same_data_dir(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    env = embedded_env(data_dir)
    manage(data_dir, "migrate", "--noinput", env=env)
    port = free_port()
    first = start_serve(data_dir, port, env)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/healthz", 60, first)
        second = subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "serve", "--port", str(free_port())],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert second.returncode != 0
        assert "already running" in second.stderr
    finally:
        stop_process(first)
    assert_nothing_left(data_dir)


@pytest.mark.django_db(transaction=True)
def test_serve_uses_external_redis_and_database_when_configured(
    tmp_path: Path, external_redis_url: str
) -> None:
    if not os.environ.get("DATABASE_URL"):
        pytest.skip("DATABASE_URL is not set: the scaled set-up needs PostgreSQL (CI sets it)")
    data_dir = tmp_path / "var"
    env = subprocess_env(data_dir, REDIS_URL=external_redis_url)
    port = free_port()
    process = start_serve(data_dir, port, env)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/healthz", 60, process)
        health = wait_until_healthy(f"http://127.0.0.1:{port}")
        assert health["checks"]["database"]["detail"] == "postgresql"
    finally:
        stop_process(process)
    assert not (data_dir / "redis" / "redis.sock").exists(), "no embedded Redis with REDIS_URL"
    assert_nothing_left(data_dir)
