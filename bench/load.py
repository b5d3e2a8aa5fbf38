"""Load on the community gallery through a real `serve`, with many websockets open.

    .venv/bin/python bench/load.py [--videos 10000] [--clients 20] [--sockets 200]
        [--seconds 20] [--web-workers 1] [--port 18530] [--json-out FILE]

Builds a fresh data directory (SQLite + embedded Redis) holding --videos shared
videos, starts `manage.py serve --no-worker`, opens --sockets websockets as one
signed-in artist, then --clients threads fetch random gallery pages for --seconds.
Prints requests/s, latency p50/p95/max, errors, the serve process tree's RSS and
the SQL queries per gallery page (first and a deep page: they must be equal), as a
table and as JSON. Traffic goes to 127.0.0.1 only, bounded in count and time.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--videos", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--sockets", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--web-workers", type=int, default=1)
    parser.add_argument("--port", type=int, default=18530)
    parser.add_argument("--json-out", type=Path)
    return parser.parse_args()


def django_setup(data_dir: Path) -> None:
    os.environ["SORA_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "sora_site.settings"
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def seed(videos: int) -> Any:
    """One artist and `videos` shared videos (rows only: the gallery reads no files)."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from generation.models import Job, JobStatus, Video

    call_command("migrate", verbosity=0)
    artist = get_user_model().objects.create_user(
        username="bench", email="bench@example.com", password=None
    )
    now = timezone.now()
    common = {"width": 112, "height": 64, "num_frames": 9, "fps": 8, "seed": 1}
    jobs = Job.objects.bulk_create(
        Job(
            owner=artist,
            status=JobStatus.SUCCEEDED,
            prompt=f"bench prompt number {n}: a harbour at dusk",
            steps=4,
            guidance=5.0,
            model_name="builtin",
            **common,
        )
        for n in range(videos)
    )
    Video.objects.bulk_create(
        Video(
            job=job,
            owner=artist,
            duration_seconds=9 / 8,
            size_bytes=1000,
            model_name="builtin",
            gpu_seconds=0.1,
            shared=True,
            shared_at=now - timedelta(seconds=n),
            file=f"videos/bench-{n}.mp4",
            poster=f"posters/bench-{n}.jpg",
            **common,
        )
        for n, job in enumerate(jobs)
    )
    return artist


def session_cookie(user: Any) -> str:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def queries_per_page(user: Any, pages: int) -> dict[str, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    client.get("/community/")  # the session's first request records it (usersessions)
    counts = {}
    for page in (1, max(1, pages // 2)):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/community/?page={page}").status_code == 200
        counts[f"page_{page}"] = len(captured)
    return counts


def serve_start(data_dir: Path, port: int, web_workers: int) -> subprocess.Popen[bytes]:
    argv = [sys.executable, str(ROOT / "manage.py"), "serve", "--no-worker", "--port", str(port)]
    process = subprocess.Popen(
        [*argv, "--web-workers", str(web_workers)],
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "LOG_LEVEL": "warning"},
        stdout=(data_dir / "serve.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            fetch(port, "/status", "")
            return process
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise SystemExit("serve did not answer within 120 s; see serve.log")


def fetch(port: int, path: str, cookie: str, conn: http.client.HTTPConnection | None = None) -> int:
    connection = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = connection.getresponse()
    response.read()
    if conn is None:
        connection.close()
    return response.status


class Sockets:
    """`count` websockets held open in a background event loop."""

    def __init__(self, port: int, cookie: str, count: int) -> None:
        self.port, self.cookie, self.count = port, cookie, count
        self.hellos = 0
        self.ready = threading.Event()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=lambda: asyncio.run(self._main()), daemon=True)

    async def _one(self) -> None:
        import websockets
        from websockets.typing import Origin

        async with websockets.connect(
            f"ws://127.0.0.1:{self.port}/ws/events/",
            additional_headers={"Cookie": self.cookie},
            origin=Origin(f"http://127.0.0.1:{self.port}"),
            open_timeout=60,
        ) as ws:
            if json.loads(await ws.recv())["type"] == "hello":
                self.hellos += 1
            while not self.stop.is_set():
                await asyncio.sleep(0.2)

    async def _main(self) -> None:
        tasks = [asyncio.create_task(self._one()) for _ in range(self.count)]
        while self.hellos < self.count and not all(t.done() for t in tasks):
            await asyncio.sleep(0.1)
        self.ready.set()
        await asyncio.gather(*tasks, return_exceptions=True)


def load(port: int, cookie: str, clients: int, seconds: float, pages: int) -> dict[str, Any]:
    latencies: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()
    end = time.monotonic() + seconds

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        rng = random.Random()
        while time.monotonic() < end:
            started = time.perf_counter()
            try:
                status = fetch(
                    port, f"/community/?page={rng.randint(1, pages)}", cookie, connection
                )
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status = 0
            took = time.perf_counter() - started
            with lock:
                latencies.append(took)
                if status != 200:
                    errors.append(status)
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    ordered = sorted(latencies)
    return {
        "requests": len(latencies),
        "errors": len(errors),
        "requests_per_second": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


def tree_rss_mb(process: subprocess.Popen[bytes]) -> float:
    import psutil

    root = psutil.Process(process.pid)
    members = [root, *root.children(recursive=True)]
    total = 0
    for member in members:
        with contextlib.suppress(psutil.NoSuchProcess):
            total += member.memory_info().rss
    return round(total / 2**20, 1)


def main() -> None:
    args = parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="studio-bench-load-"))
    django_setup(data_dir)
    from django.conf import settings

    started = time.monotonic()
    artist = seed(args.videos)
    pages = max(1, -(-args.videos // settings.GALLERY_PAGE_SIZE))
    print(f"seeded {args.videos} videos in {time.monotonic() - started:.0f} s", file=sys.stderr)
    process = serve_start(data_dir, args.port, args.web_workers)
    try:
        cookie = session_cookie(artist)
        sockets = Sockets(args.port, cookie, args.sockets)
        sockets.thread.start()
        sockets.ready.wait(timeout=300)
        load(args.port, cookie, args.clients, 2.0, pages)  # warm-up, not counted
        result = load(args.port, cookie, args.clients, args.seconds, pages)
        rss = tree_rss_mb(process)
        queries = queries_per_page(artist, pages)
        sockets.stop.set()
        sockets.thread.join(timeout=30)
    finally:
        process.terminate()
        process.wait(timeout=30)
    report = {
        "page": "/community/ (random page)",
        "videos": args.videos,
        "clients": args.clients,
        "websockets_open": sockets.hellos,
        "web_workers": args.web_workers,
        "seconds": args.seconds,
        **result,
        "serve_rss_mb": rss,
        "queries_per_page": queries,
        "cpus": os.cpu_count(),
    }
    print_table(report)
    print(json.dumps(report))
    if args.json_out:
        args.json_out.write_text(json.dumps(report, indent=2))


def print_table(report: dict[str, Any]) -> None:
    rows = [
        ("videos in the gallery", report["videos"]),
        ("concurrent clients", report["clients"]),
        ("websockets open", report["websockets_open"]),
        ("web processes", report["web_workers"]),
        ("requests", f"{report['requests']} ({report['errors']} errors)"),
        ("requests/s", report["requests_per_second"]),
        (
            "latency p50 / p95 / max (ms)",
            f"{report['p50_ms']} / {report['p95_ms']} / {report['max_ms']}",
        ),
        ("serve RSS, all processes (MB)", report["serve_rss_mb"]),
        ("SQL queries per page", report["queries_per_page"]),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()
