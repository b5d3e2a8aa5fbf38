"""The scaled set-up's PostgreSQL restarts under a running serve.

A private throwaway cluster (initdb in a temp dir, port 18520, run as the
`postgres` user) so the shared server others use is never touched. After the
restart every process reconnects by itself: pages, /healthz and the sweeper
work again without restarting serve.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.chaos.helpers import wait_for
from tests.services import ROOT, free_port, stop_process, wait_for_http

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL"),
        reason="scaled set-up faults run in the scaled suite run (set DATABASE_URL, as CI does)",
    ),
]

PORT = 18520
BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin"))


def as_postgres(*argv: str) -> subprocess.CompletedProcess[str]:
    command = list(argv)
    if os.geteuid() == 0:  # initdb and postgres refuse to run as root
        command = ["runuser", "-u", "postgres", "--", *command]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


@pytest.fixture
def private_postgres() -> Iterator[list[str]]:
    if not BIN or (os.geteuid() == 0 and not shutil.which("runuser")):
        pytest.skip("no PostgreSQL server binaries (initdb, pg_ctl) on this machine")
    bin_dir = BIN[-1]
    # Directly under /tmp: pytest's own temp dirs are closed to the postgres user.
    root = Path(tempfile.mkdtemp(prefix="studio-chaos-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    data = root / "data"
    initdb = as_postgres(f"{bin_dir}/initdb", "-D", str(data), "-A", "trust", "-U", "postgres")
    if initdb.returncode != 0:
        pytest.skip(f"cannot create a private PostgreSQL cluster: {initdb.stderr.strip()}")
    options = f"-p {PORT} -k {root} -c listen_addresses=127.0.0.1"
    # -l on every call: a server started without it keeps our output pipe open.
    ctl = [f"{bin_dir}/pg_ctl", "-D", str(data), "-o", options, "-w", "-t", "60"]
    ctl += ["-l", str(root / "log")]
    started = as_postgres(*ctl, "start")
    assert started.returncode == 0, started.stderr
    try:
        as_postgres(f"{bin_dir}/createdb", "-h", "127.0.0.1", "-p", str(PORT), "studio")
        yield ctl
    finally:
        as_postgres(*ctl, "-m", "immediate", "stop")
        shutil.rmtree(root, ignore_errors=True)


def test_serve_rides_out_a_postgres_restart(private_postgres: list[str], tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        SORA_DATA_DIR=str(tmp_path / "var"),
        DJANGO_SETTINGS_MODULE="sora_site.settings",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{PORT}/studio",
        PYTHONUNBUFFERED="1",
    )
    manage = [sys.executable, str(ROOT / "manage.py")]
    migrated = subprocess.run(
        [*manage, "migrate", "--noinput"], env=env, capture_output=True, text=True, timeout=300
    )
    assert migrated.returncode == 0, migrated.stderr
    port = free_port()
    log = tmp_path / "serve.log"
    process = subprocess.Popen(
        [*manage, "serve", "--no-worker", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{base}/status", timeout=120, process=process)  # type: ignore[arg-type]
        assert requests.get(f"{base}/status", timeout=10).status_code == 200

        restarted = as_postgres(*private_postgres, "-m", "fast", "restart")
        assert restarted.returncode == 0, restarted.stderr
        back_at = time.monotonic()

        def database_ok() -> bool:
            checks = requests.get(f"{base}/healthz", timeout=10).json()["checks"]
            return bool(checks["database"]["ok"])

        wait_for("the database check to pass again", database_ok, timeout=20, every=0.5)
        assert requests.get(f"{base}/status", timeout=10).status_code == 200
        assert requests.get(f"{base}/accounts/login/", timeout=10).status_code == 200
        reconnected = time.monotonic() - back_at
        time.sleep(3)  # a sweep round or two against the restarted server
        assert process.poll() is None, log.read_text()[-3000:]
        print(f"\nPostgreSQL restarted: pages and /healthz fine again {reconnected:.1f} s later")
    finally:
        stop_process(process)  # type: ignore[arg-type]
