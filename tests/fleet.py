"""Several worker hosts and a web node as separate processes, for the fleet test and
bench/scale.py.

Each host is a `manage.py qcluster` with a working directory and data dir of its
own (nothing on disk is shared): they meet only in PostgreSQL, Redis and the S3
server, which is what a real deployment shares.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Fleet:
    root: Path  # each host and the web node get a folder below it
    database_url: str
    redis_url: str
    secret_key: str
    s3_endpoint: str
    s3_bucket: str
    s3_prefix: str
    s3_access_key: str
    s3_secret_key: str
    model: str = "simulated:0.5"
    lease_seconds: int = 5
    hosts: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    web: subprocess.Popen[bytes] | None = None

    def env(self, name: str, **extra: str) -> dict[str, str]:
        home = self.root / name
        (home / "var").mkdir(parents=True, exist_ok=True)
        keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "VIRTUAL_ENV")
        env = {key: os.environ[key] for key in keep if key in os.environ}
        env.update(
            DJANGO_SETTINGS_MODULE="sora_site.settings",
            PYTHONUNBUFFERED="1",
            SORA_DATA_DIR=str(home / "var"),
            DATABASE_URL=self.database_url,
            REDIS_URL=self.redis_url,
            SECRET_KEY=self.secret_key,
            MEDIA_STORAGE_URL=f"s3://{self.s3_bucket}/{self.s3_prefix}",
            MEDIA_S3_ENDPOINT_URL=self.s3_endpoint,
            MEDIA_S3_REGION="us-east-1",
            MEDIA_S3_ACCESS_KEY_ID=self.s3_access_key,
            MEDIA_S3_SECRET_ACCESS_KEY=self.s3_secret_key,
            MEDIA_S3_ADDRESSING="path",
            GENERATION_MODEL=self.model,
            JOB_LEASE_SECONDS=str(self.lease_seconds),
            Q_WORKERS="1",
            LOG_LEVEL="warning",
        )
        env.update(extra)
        return env

    def _log(self, name: str):  # type: ignore[no-untyped-def]
        return (self.root / name / "output.log").open("ab")

    def start_host(self, name: str, **extra: str) -> subprocess.Popen[bytes]:
        """One GPU host: a worker cluster in its own folder and session."""
        env = self.env(name, **extra)
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), "qcluster"],
            cwd=self.root / name,
            env=env,
            stdout=self._log(name),
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: a host dies as a whole
        )
        self.hosts[name] = process
        return process

    def start_web(self, port: int, **extra: str) -> subprocess.Popen[bytes]:
        """A web node: daphne only, no worker, media read from the S3 server."""
        env = self.env("web", **extra)
        self.web = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "daphne",
                "-b",
                "127.0.0.1",
                "-p",
                str(port),
                "sora_site.asgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=self._log("web"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self.web

    def kill_host(self, name: str) -> None:
        """SIGKILL every process of the host at once, as a power cut would."""
        process = self.hosts.pop(name)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)

    def stop_host(self, name: str) -> None:
        process = self.hosts.pop(name)
        _stop_group(process)

    def stop_all(self) -> None:
        for name in list(self.hosts):
            self.stop_host(name)
        if self.web is not None:
            _stop_group(self.web)
            self.web = None

    def output(self, name: str) -> str:
        path = self.root / name / "output.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""


def _stop_group(process: subprocess.Popen[bytes], timeout: float = 20) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    with contextlib.suppress(ProcessLookupError):  # children that outlived their parent
        os.killpg(process.pid, signal.SIGKILL)
