"""Scale-out benchmark: K worker hosts on the simulated GPU, one web node, S3 media.

    DATABASE_URL=postgres://.../bench_db REDIS_URL=redis://127.0.0.1:6379/N \\
        .venv/bin/python bench/scale.py [--ks 1,2,4] [--people 3] [--json-out FILE]

The database and the Redis db are the bench's own: it migrates the database and
deletes every job in it, and empties that Redis db. Each worker host is a
`manage.py qcluster` process with its own folder (no shared disk); media goes to
a moto S3 server the bench starts; one daphne web node takes idle-fleet
submissions through the JSON API. Everything listens on 127.0.0.1 only
(--port-base picks the ports) and stops itself.

Measures, for each K:
- throughput: jobs finished per second with a full queue (first start to last
  finish), and its efficiency against K times the K=1 figure (goal >= 0.95);
- each person's share while all P people have work queued (goal: within 10% of
  1/P); person i submits (P - i) times as many jobs, all before the others;
- queue-to-start p50/p95 under that load, and on an idle fleet (through the API).
Prints a table and a JSON document.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fleet import Fleet  # noqa: E402

S3_KEY, S3_SECRET = "bench-key", "bench-secret"
BUCKET = "bench-media"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


class Ports:
    def __init__(self, base: int) -> None:
        self.next = base

    def take(self) -> int:
        while True:
            port, self.next = self.next, self.next + 1
            with socket.socket() as sock:
                try:
                    sock.bind(("127.0.0.1", port if port else 0))
                except OSError:
                    continue
                return int(sock.getsockname()[1])


def wait_http(url: str, timeout: float) -> None:
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=2)
            return
        except requests.RequestException:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def start_s3(port: int, log: Path) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    wait_http(f"http://127.0.0.1:{port}/moto-api/", 60)
    import boto3

    boto3.client(
        "s3",
        endpoint_url=f"http://127.0.0.1:{port}",
        region_name="us-east-1",
        aws_access_key_id=S3_KEY,
        aws_secret_access_key=S3_SECRET,
    ).create_bucket(Bucket=BUCKET)
    return process


def setup_django(fleet: Fleet) -> None:
    os.environ.update(fleet.env("bench"))
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "migrate", "--noinput", "-v0"],
        env=os.environ.copy(),
        check=True,
    )
    import django

    django.setup()
    import redis

    from generation.models import Job, Worker

    Job.objects.all().delete()
    Worker.objects.all().delete()
    redis.Redis.from_url(fleet.redis_url).flushdb()


def people_create(count: int) -> list[Any]:
    from django.contrib.auth import get_user_model

    from access.roles import Role, role_assign

    users = []
    for index in range(count):
        email = f"bench-person-{index + 1}@example.com"
        user, _ = get_user_model().objects.get_or_create(
            username=f"bench-person-{index + 1}", defaults={"email": email}
        )
        role_assign(user=user, role=Role.ARTIST)
        users.append(user)
    return users


def submission() -> Any:
    from generation.params import GenerationParams
    from generation.services import Submission

    params = GenerationParams(
        prompt="a paper boat on a pond", negative_prompt="", num_frames=5, width=64,
        height=64, steps=STEPS, guidance=5.0, seed=1, fps=8,
    )  # fmt: skip
    return Submission(params=params, aspect="1:1", variations=1, seed_was_random=False)


def fill_queue(people: list[Any], per_unit: int) -> list[int]:
    """Person i submits (P - i) * per_unit jobs, all of person 1's first; one commit,
    so the whole queue is there when the first worker looks."""
    from django.db import transaction

    from generation.services import job_submit

    ids: list[int] = []
    with transaction.atomic():
        for index, person in enumerate(people):
            for _ in range((len(people) - index) * per_unit):
                ids.extend(job.pk for job in job_submit(owner=person, submission=submission()))
    return ids


def wait_done(ids: list[int], timeout: float) -> None:
    from generation.models import Job

    deadline = time.monotonic() + timeout
    active = ["screening", "queued", "running"]
    while Job.objects.filter(pk__in=ids, status__in=active).exists():
        if time.monotonic() > deadline:
            raise RuntimeError("jobs did not finish in time")
        time.sleep(0.25)
    failed = list(Job.objects.filter(pk__in=ids).exclude(status="succeeded"))
    if failed:
        raise RuntimeError(f"{len(failed)} jobs did not succeed: {failed[0].error}")


def seconds(later: datetime | None, earlier: datetime | None) -> float:
    assert later is not None and earlier is not None
    return (later - earlier).total_seconds()


def measure_load(ids: list[int], people: list[Any]) -> dict[str, Any]:
    from generation.models import Job

    jobs = list(Job.objects.filter(pk__in=ids).order_by("started_at"))
    first_start = min(job.started_at for job in jobs if job.started_at)
    last_finish = max(job.finished_at for job in jobs if job.finished_at)
    makespan = seconds(last_finish, first_start)
    # Shares over the starts made while every person still had a job waiting.
    remaining = {person.pk: 0 for person in people}
    for job in jobs:
        remaining[job.owner_id] += 1
    counts = {person.pk: 0 for person in people}
    for job in jobs:
        if min(remaining.values()) == 0:
            break
        counts[job.owner_id] += 1
        remaining[job.owner_id] -= 1
    window = sum(counts.values())
    waits = [seconds(job.started_at, job.queued_at) for job in jobs]
    return {
        "jobs": len(jobs),
        "makespan_s": round(makespan, 3),
        "throughput_jobs_per_s": round(len(jobs) / makespan, 4),
        "share_window_jobs": window,
        "shares": [round(counts[p.pk] / window, 4) for p in people],
        "queue_to_start_p50_s": round(percentile(waits, 50), 3),
        "queue_to_start_p95_s": round(percentile(waits, 95), 3),
    }


def idle_pickup(web_port: int, token: str, runs: int) -> list[float]:
    """One job at a time through the web node's API on an idle fleet: queue -> start."""
    import requests

    from generation.models import Job

    waits = []
    for _ in range(runs):
        response = requests.post(
            f"http://127.0.0.1:{web_port}/api/v1/jobs",
            json={"prompt": "a paper boat on a pond", "steps": STEPS, "num_frames": 5},
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        response.raise_for_status()
        job_id = response.json()["jobs"][0]["id"]
        wait_done([job_id], 120)
        job = Job.objects.get(pk=job_id)
        waits.append(seconds(job.started_at, job.queued_at))
    return waits


def wait_workers(count: int, timeout: float = 180) -> None:
    from generation.workers import workers_live

    deadline = time.monotonic() + timeout
    while workers_live().count() < count:
        if time.monotonic() > deadline:
            raise RuntimeError(f"only {workers_live().count()} of {count} workers announced")
        time.sleep(0.5)


STEPS = 4


def main() -> None:
    global STEPS
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ks", default="1,2,4")
    parser.add_argument("--people", type=int, default=3)
    parser.add_argument("--step-seconds", type=float, default=0.5)
    parser.add_argument("--steps", type=int, default=4)
    parser.add_argument("--jobs-per-worker", type=int, default=6)
    parser.add_argument("--idle-runs", type=int, default=5)
    parser.add_argument("--min-share-jobs", type=int, default=6)
    parser.add_argument("--port-base", type=int, default=0, help="0: any free ports")
    parser.add_argument("--json-out")
    args = parser.parse_args()
    STEPS = args.steps
    database_url, redis_url = os.environ.get("DATABASE_URL", ""), os.environ.get("REDIS_URL", "")
    if not database_url.startswith("postgres") or not redis_url:
        sys.exit("Set DATABASE_URL (PostgreSQL, the bench's own database) and REDIS_URL.")
    ks = [int(k) for k in args.ks.split(",")]
    ports = Ports(args.port_base)
    root = Path(tempfile.mkdtemp(prefix="studio-scale-"))
    s3_port, web_port = ports.take(), ports.take()
    s3 = start_s3(s3_port, root / "moto.log")
    fleet = Fleet(
        root=root,
        database_url=database_url,
        redis_url=redis_url,
        secret_key=secrets.token_urlsafe(40),
        s3_endpoint=f"http://127.0.0.1:{s3_port}",
        s3_bucket=BUCKET,
        s3_prefix=f"run-{uuid.uuid4().hex[:8]}",
        s3_access_key=S3_KEY,
        s3_secret_key=S3_SECRET,
        model=f"simulated:{args.step_seconds}",
    )
    limits = {
        "SUBMIT_RATE": "100000/m",
        "QUOTA_DAILY_SECONDS": "100000000",
        "QUOTA_MAX_CONCURRENT": "100000",
    }
    os.environ.update(limits)
    results: dict[str, Any] = {
        "model": fleet.model,
        "steps": STEPS,
        "people": args.people,
        "jobs_per_worker": args.jobs_per_worker,
        "runs": {},
    }
    try:
        setup_django(fleet)
        os.environ.update(limits)
        from access.services import token_create

        people = people_create(args.people + 1)
        idle_person, people = people[-1], people[:-1]  # not in the share figures
        _, token = token_create(user=idle_person, name="bench", scopes=["submit", "read"])
        fleet.start_web(web_port, **limits)
        wait_http(f"http://127.0.0.1:{web_port}/healthz", 90)
        for k in ks:
            from generation.models import Worker

            Worker.objects.all().delete()
            for index in range(k):
                fleet.start_host(f"k{k}-host{index + 1}")
            wait_workers(k)
            run: dict[str, Any] = {}
            if k == ks[0] and args.idle_runs:
                waits = idle_pickup(web_port, token, args.idle_runs)
                run["idle_queue_to_start_p50_s"] = round(percentile(waits, 50), 3)
                run["idle_queue_to_start_p95_s"] = round(percentile(waits, 95), 3)
            total_units = sum(range(1, args.people + 1))
            # The person with least work gets at least --min-share-jobs, so the share
            # window (until their queue runs dry) spans several rounds.
            per_unit = max(args.min_share_jobs, round(args.jobs_per_worker * k / total_units))
            ids = fill_queue(people, per_unit)
            expected = len(ids) * STEPS * args.step_seconds / k
            wait_done(ids, timeout=60 + 4 * expected)
            run.update(measure_load(ids, people))
            results["runs"][str(k)] = run
            for name in list(fleet.hosts):
                fleet.stop_host(name)
    finally:
        fleet.stop_all()
        s3.terminate()
        s3.wait(timeout=30)
    one = results["runs"].get(str(ks[0]), {}).get("throughput_jobs_per_s")
    for k, run in results["runs"].items():
        run["efficiency_vs_k_times_first"] = (
            round(run["throughput_jobs_per_s"] / (int(k) / ks[0] * one), 3) if one else None
        )
    print_table(results)
    text = json.dumps(results, indent=2)
    print(text)
    if args.json_out:
        Path(args.json_out).write_text(text)


def print_table(results: dict[str, Any]) -> None:
    print(
        f"\nScale-out on {results['model']} x {results['steps']} steps, "
        f"{results['people']} people (person i submits P-i units, all at once)"
    )
    header = (
        f"{'K':>3} {'jobs':>5} {'jobs/s':>8} {'eff.':>6} {'shares':>22} "
        f"{'q->start p50':>13} {'p95':>7} {'idle p50':>9} {'idle p95':>9}"
    )
    print(header)
    print("-" * len(header))
    for k, run in results["runs"].items():
        shares = "/".join(f"{share:.3f}" for share in run["shares"])
        idle50 = run.get("idle_queue_to_start_p50_s")
        idle95 = run.get("idle_queue_to_start_p95_s")
        print(
            f"{k:>3} {run['jobs']:>5} {run['throughput_jobs_per_s']:>8.3f} "
            f"{run['efficiency_vs_k_times_first']:>6.3f} {shares:>22} "
            f"{run['queue_to_start_p50_s']:>12.2f}s {run['queue_to_start_p95_s']:>6.2f}s "
            f"{'' if idle50 is None else f'{idle50:.3f}s':>9} "
            f"{'' if idle95 is None else f'{idle95:.3f}s':>9}"
        )
    print(f"fair share target: {1 / results['people']:.3f} each (+/-10%)\n")


if __name__ == "__main__":
    main()
