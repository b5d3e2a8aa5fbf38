"""The leak this product answers, replayed end to end against a real server.

An artist's API token turns up at five client addresses behind our proxy: it is
suspended before the fifth request succeeds. One of their videos, re-encoded at
CRF 28 and cropped, is traced back to them. Staff revoke them with their
invitees: every session and websocket of the cohort closes within a second and
their queued jobs are cancelled.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from django.core.management import call_command

from access.models import ApiToken, AuditEvent
from access.services import cohort_revoke, token_create
from bench.watermark import crop, decode, encode
from generation import tasks
from generation.models import Job, JobStatus, Video
from tests.jobs import make_job
from tests.services import run_coroutine, web_serving
from tests.test_cohort import invite_into
from tests.test_revoke_live import redis_layer, session_cookie, watch_until_closed

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
__all__ = ["redis_layer"]  # a fixture this module uses

PROXY = "127.0.0.1"  # the test's requests reach the server from here, as a proxy's would
CLIENTS = ["198.51.100.10", "198.51.100.11", "203.0.113.7", "192.0.2.44", "192.0.2.45"]


@pytest.fixture
def proxied_server(redis_layer: str, tmp_path: Path) -> Iterator[str]:
    with web_serving(
        tmp_path / "var", REDIS_URL=redis_layer, TRUSTED_PROXIES=PROXY, API_TOKEN_MAX_CLIENTS="4"
    ) as server:
        yield server.base


def test_the_incident_replayed(proxied_server, staff_user, tmp_path, capsys) -> None:
    alice = invite_into(staff_user, "alice@example.com")
    bob = invite_into(alice, "bob@example.com")  # alice's tester
    token, raw = token_create(user=alice, name="wired into a public front-end", scopes=["read"])

    # 1. The token turns up at five addresses: the fifth request is refused.
    statuses = []
    for address in CLIENTS:
        response = requests.get(
            f"{proxied_server}/api/v1/videos",
            headers={"Authorization": f"Bearer {raw}", "X-Forwarded-For": address},
            timeout=10,
        )
        statuses.append(response.status_code)
    assert statuses == [200, 200, 200, 200, 403]
    assert response.json()["error"]["code"] == "token_suspended"
    token.refresh_from_db()
    assert token.suspended_at is not None
    suspended = AuditEvent.objects.get(action="token.suspend")
    assert CLIENTS[4] in json.dumps(suspended.details)

    # 2. A video of theirs, re-encoded at CRF 28 and cropped, names them.
    job = make_job(alice, num_frames=33, width=224, height=128, steps=2, seed=11)
    assert tasks.job_run(job.pk) == JobStatus.SUCCEEDED
    stored = decode(Path(Video.objects.get(job=job).file.path))
    leaked = encode(crop(stored), tmp_path / "leaked.mp4", fps=8, crf=28)
    try:
        call_command("trace", str(leaked), "--json")
    except SystemExit as exc:  # pragma: no cover - the assertion below explains it
        pytest.fail(f"trace exited with {exc.code}: {capsys.readouterr().out}")
    answer = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert (answer["job"], answer["user"], answer["method"]) == (
        job.pk,
        "alice@example.com",
        "watermark",
    )

    # 3. Staff revoke alice with her invitees: sockets close, sessions end, jobs cancel.
    queued = [make_job(alice), make_job(bob), make_job(bob)]
    cookies = {person.email: session_cookie(person) for person in (alice, bob)}
    for cookie in cookies.values():
        assert requests.get(f"{proxied_server}/videos/", headers={"Cookie": cookie}, timeout=5).ok

    async def scenario() -> tuple[float, list[tuple]]:
        ws_url = proxied_server.replace("http", "ws") + "/ws/events/"
        opened = [asyncio.Event() for _ in cookies]
        watchers = [
            asyncio.create_task(watch_until_closed(ws_url, cookie, proxied_server, event))
            for cookie, event in zip(cookies.values(), opened, strict=True)
        ]
        await asyncio.wait_for(asyncio.gather(*(e.wait() for e in opened)), timeout=20)
        started = time.monotonic()
        await asyncio.to_thread(
            cohort_revoke, user=alice, by=staff_user, reason="Token wired into a public site"
        )
        return started, list(await asyncio.gather(*watchers))

    started, closed = run_coroutine(scenario())
    for closed_at, code, _ in closed:
        assert code == 4403
        assert closed_at - started < 1.0, f"a socket closed {closed_at - started:.2f} s later"
    for cookie in cookies.values():
        refused = requests.get(
            f"{proxied_server}/videos/",
            headers={"Cookie": cookie},
            timeout=5,
            allow_redirects=False,
        )
        assert refused.status_code == 302
    statuses_now = set(
        Job.objects.filter(pk__in=[j.pk for j in queued]).values_list("status", flat=True)
    )
    assert statuses_now == {JobStatus.CANCELLED}
    revocations = AuditEvent.objects.filter(action="person.revoke").order_by("pk")
    assert [e.target for e in revocations] == ["alice@example.com", "bob@example.com"]
    assert not ApiToken.objects.filter(user=alice, revoked_at__isnull=True).exists()
