"""Several hosts for real: worker hosts as separate processes with separate folders,
on PostgreSQL, Redis and an S3 server; one host is SIGKILLed mid-job.

Also `manage.py workers --gpus`: one cluster per GPU, each pinned to its device.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil
import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django_q.conf import Conf

from generation import tasks
from generation.models import Job, JobStatus, ModelEntry, Video, Worker
from generation.services import job_enqueue
from generation.workers import workers_live
from tests.fleet import Fleet
from tests.jobs import make_job, make_user
from tests.people import signed_in_client
from tests.services import (
    ROOT,
    S3_ACCESS_KEY,
    S3_SECRET_KEY,
    S3Server,
    s3_client,
    s3_storage_settings,
    subprocess_env,
)
from tests.services import test_database_url as shared_database_url
from tests.test_media import body

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def wait_until(predicate: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"{what} did not happen within {timeout} s")


@pytest.fixture
def real_queue(clean_redis: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(Conf, "SYNC", False)
    monkeypatch.setattr(Conf, "REDIS", clean_redis)
    return clean_redis


@pytest.fixture
def fleet(real_queue: str, s3_server: S3Server, tmp_path: Path, settings) -> Iterator[Fleet]:
    if not shared_database_url().startswith("postgres"):
        pytest.skip("DATABASE_URL is not PostgreSQL: several hosts need a shared database server")
    if not os.environ.get("REDIS_URL"):
        pytest.skip("REDIS_URL is not set: several hosts need a Redis server (CI sets it)")
    prefix = f"fleet-{uuid.uuid4().hex[:8]}"
    # This test process plays the web node: it, too, reads media only from the bucket.
    settings.STORAGES = {**settings.STORAGES, "default": s3_storage_settings(s3_server, prefix)}
    fleet = Fleet(
        root=tmp_path,
        database_url=shared_database_url(),
        redis_url=real_queue,
        secret_key=django_settings.SECRET_KEY,
        s3_endpoint=s3_server.endpoint,
        s3_bucket=s3_server.bucket,
        s3_prefix=prefix,
        s3_access_key=S3_ACCESS_KEY,
        s3_secret_key=S3_SECRET_KEY,
        model="simulated:0.4",
    )
    yield fleet
    fleet.stop_all()
    for name in ("host-a", "host-b", "web"):
        print(f"--- {name} ---\n{fleet.output(name)}")


def test_a_host_killed_mid_job_loses_nothing_and_duplicates_nothing(fleet: Fleet, settings) -> None:
    settings.JOB_REDELIVER_SECONDS = 10  # the sweep here plays the every-minute schedule
    fleet.start_host("host-a")
    fleet.start_host("host-b")
    wait_until(lambda: workers_live().count() == 2, 90, "both hosts announcing themselves")
    hosts = {worker.name: worker.host for worker in workers_live()}
    assert len({name.rsplit(":", 1)[1] for name in hosts}) == 2  # two worker processes
    people = [make_user(f"fleet{n}@example.com") for n in range(2)]
    jobs = [make_job(people[n % 2], steps=8, num_frames=5) for n in range(4)]  # 3.2 s each
    for job in jobs:
        job_enqueue(job_id=job.pk)
    # Find host A's job once it is under way, then cut host A's power.
    victim_worker = Worker.objects.none()

    def host_a_is_busy() -> bool:
        nonlocal victim_worker
        pid_of_a = {p.pid for p in psutil.Process(fleet.hosts["host-a"].pid).children(True)}
        victim_worker = Worker.objects.filter(pid__in=pid_of_a, current_job__isnull=False)
        running = Job.objects.filter(status=JobStatus.RUNNING, progress_step__gte=2)
        return (
            victim_worker.exists()
            and running.filter(pk__in=victim_worker.values("current_job")).exists()
        )

    wait_until(host_a_is_busy, 60, "host A running a job")
    victim = Job.objects.get(pk=int(victim_worker.get().current_job_id or 0))
    fleet.kill_host("host-a")
    # Its lease (5 s) runs out; the sweep (every minute in production) re-queues it.
    wait_until(
        lambda: tasks.jobs_sweep()["requeued"] == 1, 30, "the sweep re-queueing the lost job"
    )

    def all_done() -> bool:
        tasks.jobs_sweep()  # redelivers tasks the killed host held, should any be missing
        time.sleep(0.8)
        return not Job.objects.filter(status__in=["queued", "running"]).exists()

    wait_until(all_done, 120, "every job finishing on host B")
    for job in jobs:
        job.refresh_from_db()
        assert job.status == JobStatus.SUCCEEDED, job.error
        assert Video.objects.filter(job=job).count() == 1  # nothing duplicated
    victim.refresh_from_db()
    assert victim.attempts == 2 and victim.lease_owner == ""
    assert Job.objects.filter(pk=victim.pk, video__isnull=False).exists()
    # Every video is in the bucket and streams from there (no disk is shared).
    keys = {
        item["Key"]
        for item in s3_client(fleet.s3_endpoint)
        .list_objects_v2(Bucket=fleet.s3_bucket, Prefix=fleet.s3_prefix)
        .get("Contents", [])
    }
    for video in Video.objects.filter(job__in=jobs).select_related("owner"):
        assert f"{fleet.s3_prefix}/{video.file.name}" in keys
        response = signed_in_client(video.owner).get(reverse("video_media", args=[video.pk]))
        assert response.status_code == 200
        assert body(response)[4:8] == b"ftyp"  # an MP4


def test_the_workers_command_pins_one_cluster_per_gpu_and_never_loads_torch(
    real_queue: str, tmp_path: Path
) -> None:
    ModelEntry.objects.create(name="sim", source="simulated:0.1", display_name="Simulation")
    env = subprocess_env(tmp_path / "var", REDIS_URL=real_queue)
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "workers", "--model", "sim", "--gpus", "0,1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_until(
            lambda: workers_live().filter(model_name="sim").count() == 2, 90, "two GPU workers"
        )
        sim_workers = workers_live().filter(model_name="sim")
        assert sorted(sim_workers.values_list("device", flat=True)) == ["gpu 0", "gpu 1"]
        alice = make_user("gpu-artist@example.com")
        job = make_job(alice, model_name="sim", steps=2)
        job_enqueue(job_id=job.pk)  # onto the "sim" task list
        wait_until(lambda: Job.objects.get(pk=job.pk).status == JobStatus.SUCCEEDED, 60, "the job")
        maps = "\n".join(m.path for m in psutil.Process(process.pid).memory_maps())
        assert "libtorch" not in maps and "libcuda" not in maps
        for child in psutil.Process(process.pid).children():
            assert child.environ()["CUDA_VISIBLE_DEVICES"] in {"0", "1"}
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        output, _ = process.communicate(timeout=40)
        print(output.decode(errors="replace")[-3000:])
    assert process.returncode == 0
