"""A real `serve` to break things in, and small waits (every wait is bounded)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import requests

from access.services import token_create
from generation.models import Job, JobStatus
from tests.people import person_create
from tests.services import ROOT, free_port, subprocess_env, wait_for_http

T = TypeVar("T")


class Serve(NamedTuple):
    base: str
    process: subprocess.Popen[str]
    log: Path
    data_dir: Path


def serve_start(data_dir: Path, *, worker: bool = True, **env: str) -> Serve:
    port = free_port()
    log = data_dir.parent / f"serve-{port}.log"
    data_dir.mkdir(parents=True, exist_ok=True)
    argv = [sys.executable, str(ROOT / "manage.py"), "serve", "--port", str(port)]
    if not worker:
        argv.append("--no-worker")
    process = subprocess.Popen(
        argv,
        cwd=ROOT,
        env=subprocess_env(data_dir, JOB_LEASE_SECONDS="5", **env),
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    wait_for_http(f"{base}/status", timeout=120, process=process)
    return Serve(base, process, log, data_dir)


def wait_for(what: str, check: Callable[[], T | None], timeout: float, every: float = 0.2) -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def artist_token(email: str) -> str:
    _, raw = token_create(user=person_create(email), name="chaos", scopes=["submit", "read"])
    return raw


def api_submit(base: str, token: str, **fields: object) -> requests.Response:
    payload: dict[str, Any] = {"prompt": "a slow pan over a harbour at dusk", **fields}
    return requests.post(
        f"{base}/api/v1/jobs",
        json=payload,
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )


def job_now(job_id: int) -> Job:
    return Job.objects.get(pk=job_id)


def finished(job_id: int) -> Job | None:
    job = job_now(job_id)
    ended = {JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED, JobStatus.REJECTED}
    return job if job.status in ended else None
