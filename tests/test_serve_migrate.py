"""`manage.py serve` brings the schema up to date itself, once, and says so.

A new data directory used to end in `OperationalError: no such table: auth_user`;
these start the real command as a person would, with no `migrate` beforehand.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from tests.services import ROOT, free_port, stop_process, wait_for_http
from tests.test_serve import assert_nothing_left, embedded_env, start_serve, wait_until_healthy

pytestmark = pytest.mark.slow


def serve_once(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run serve to its end (it exits at once on the errors these tests provoke)."""
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "serve", "--port", str(free_port()), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_serve_migrates_a_new_data_dir_and_answers(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    env = embedded_env(data_dir)
    port = free_port()
    process = start_serve(data_dir, port, env)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/healthz", 120, process)
        health = wait_until_healthy(f"http://127.0.0.1:{port}")
        assert health["checks"]["database"]["ok"] is True
    finally:
        output = stop_process(process)
    assert process.returncode == 0, output
    assert "Applied " in output and "migrations: " in output, output
    assert "generation (" in output, "a new database lists what it applied per app"
    assert "Traceback" not in output, output
    assert_nothing_left(data_dir)

    again = start_serve(data_dir, port, env)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/healthz", 120, again)
    finally:
        output = stop_process(again)
    assert "The database schema is up to date." in output, output
    assert "Applied " not in output


def test_serve_no_migrate_refuses_an_unmigrated_database_clearly(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"
    result = serve_once(embedded_env(data_dir), "--no-migrate")
    assert result.returncode != 0
    assert "migrations are not applied and --no-migrate was given" in result.stderr
    assert "manage.py migrate" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_names_database_url_when_the_database_is_unreachable(tmp_path: Path) -> None:
    env = embedded_env(tmp_path / "var")
    env["DATABASE_URL"] = f"postgres://studio:s3cret-pw@127.0.0.1:{closed_port()}/studio"
    result = serve_once(env)
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(errors) == 1, result.stderr
    assert "Cannot reach the database" in errors[0] and "DATABASE_URL" in errors[0]
    assert "Traceback" not in result.stdout + result.stderr
    assert "s3cret-pw" not in result.stdout + result.stderr, "the password must not be shown"


@pytest.fixture
def fresh_postgres_url() -> Iterator[str]:
    """An empty PostgreSQL database of its own, dropped afterwards."""
    base = os.environ.get("DATABASE_URL")
    if not base:
        pytest.skip("DATABASE_URL is not set: this test needs PostgreSQL (CI sets it)")
    name = f"serve_migrate_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield urlunsplit(urlsplit(base)._replace(path=f"/{name}"))
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_two_web_nodes_starting_at_once_migrate_once(
    tmp_path: Path, fresh_postgres_url: str
) -> None:
    nodes = []
    for index in range(2):
        data_dir = tmp_path / f"node{index}"
        env = embedded_env(data_dir)
        env["DATABASE_URL"] = fresh_postgres_url
        port = free_port()
        nodes.append((port, start_serve(data_dir, port, env)))
    outputs = []
    try:
        for port, process in nodes:
            wait_for_http(f"http://127.0.0.1:{port}/healthz", 180, process)
    finally:
        outputs = [stop_process(process) for _, process in nodes]
    assert all("Traceback" not in output for output in outputs), outputs
    migrated = [output for output in outputs if "Applied " in output]
    waited = [output for output in outputs if "The database schema is up to date." in output]
    assert len(migrated) == 1 and len(waited) == 1, outputs
