"""/metrics: who may read it, and that each number is what the studio holds."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from access.models import AuditEvent
from access.services import token_create
from generation.models import JobStatus
from moderation.models import Report, ReviewStatus, Screening
from tests.jobs import make_job
from tests.services import ROOT

pytestmark = pytest.mark.django_db


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def scrape(**headers: Any) -> dict:
    response = Client().get(reverse("metrics"), **headers)
    assert response.status_code == 200, response.content
    return samples(response.content.decode())


def test_it_is_refused_without_an_allowed_address_or_a_token(settings) -> None:
    settings.METRICS_ALLOW = []
    response = Client().get(reverse("metrics"))
    assert response.status_code == 403
    assert b"METRICS_ALLOW" in response.content


def test_an_allowed_address_reads_it(settings) -> None:
    settings.METRICS_ALLOW = ["127.0.0.0/8"]
    assert ("studio_jobs", (("state", "queued"),)) in scrape()


def test_forwarded_for_counts_only_from_a_trusted_proxy(settings) -> None:
    settings.METRICS_ALLOW = ["10.1.2.3"]
    settings.TRUSTED_PROXIES = []
    forged = Client().get(reverse("metrics"), HTTP_X_FORWARDED_FOR="10.1.2.3")
    assert forged.status_code == 403
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert scrape(HTTP_X_FORWARDED_FOR="10.1.2.3")


def test_a_staff_token_reads_it_and_an_artist_token_does_not(settings, alice, staff_user) -> None:
    settings.METRICS_ALLOW = []
    _, staff_raw = token_create(user=staff_user, name="prometheus", scopes=["read"])
    _, artist_raw = token_create(user=alice, name="mine", scopes=["read"])
    assert scrape(HTTP_AUTHORIZATION=f"Bearer {staff_raw}")
    refused = Client().get(reverse("metrics"), HTTP_AUTHORIZATION=f"Bearer {artist_raw}")
    assert refused.status_code == 403


def test_jobs_by_state_and_durations_come_from_the_database(settings, alice) -> None:
    settings.METRICS_ALLOW = ["127.0.0.1"]
    now = timezone.now()
    make_job(alice, JobStatus.QUEUED)
    make_job(alice, JobStatus.QUEUED)
    for wait, run in ((0.2, 3.0), (20.0, 100.0)):
        make_job(
            alice,
            JobStatus.SUCCEEDED,
            queued_at=now - timedelta(seconds=wait + run),
            started_at=now - timedelta(seconds=run),
            finished_at=now,
            gpu_seconds=run / 2,
            model_name="wan-test",
        )
    found = scrape()
    assert found[("studio_jobs", (("state", "queued"),))] == 2
    assert found[("studio_jobs", (("state", "succeeded"),))] == 2
    assert found[("studio_jobs", (("state", "running"),))] == 0
    queue_wait = "studio_job_queue_wait_seconds"
    assert found[(f"{queue_wait}_bucket", (("le", "0.25"),))] == 1
    assert found[(f"{queue_wait}_bucket", (("le", "30.0"),))] == 2
    assert found[(f"{queue_wait}_count", ())] == 2
    assert found[(f"{queue_wait}_sum", ())] == pytest.approx(20.2, abs=0.01)
    assert found[("studio_job_run_seconds_bucket", (("le", "5.0"),))] == 1
    assert found[("studio_job_run_seconds_sum", ())] == pytest.approx(103.0, abs=0.01)
    assert found[("studio_gpu_seconds_total", (("model", "wan-test"),))] == pytest.approx(51.5)


def test_failures_are_counted_by_reason(settings, alice) -> None:
    settings.METRICS_ALLOW = ["127.0.0.1"]
    for error in (
        "The video model could not be loaded: no such folder",
        "The worker stopped while making this video 3 times, so it was not retried again.",
        "Generation failed (RuntimeError). Try again",
        "Generation failed (ValueError). Try again",
        "Something nobody foresaw",
    ):
        make_job(alice, JobStatus.FAILED, error=error)
    found = scrape()
    failures = "studio_job_failures_total"
    assert found[(failures, (("reason", "model_load"),))] == 1
    assert found[(failures, (("reason", "worker_lost"),))] == 1
    assert found[(failures, (("reason", "pipeline_error"),))] == 2
    assert found[(failures, (("reason", "other"),))] == 1


def test_moderation_verdicts_pending_reviews_and_suspensions(settings, alice, bob) -> None:
    settings.METRICS_ALLOW = ["127.0.0.1"]
    for verdict, category, review in (
        ("allow", "", ReviewStatus.NONE),
        ("flag", "gore", ReviewStatus.PENDING),
        ("flag", "gore", ReviewStatus.APPROVED),
        ("block", "minors", ReviewStatus.NONE),
    ):
        Screening.objects.create(
            subject_type="generation.job",
            subject_id=1,
            submitter=alice,
            text="x",
            verdict=verdict,
            category=category,
            review_status=review,
        )
    Report.objects.create(subject_type="generation.video", subject_id=1, reporter=bob, reason="r")
    AuditEvent.objects.create(action="token.suspend", target="sora_x")
    found = scrape()
    verdicts = "studio_moderation_verdicts_total"
    assert found[(verdicts, (("category", "gore"), ("verdict", "flag")))] == 2
    assert found[(verdicts, (("category", "minors"), ("verdict", "block")))] == 1
    assert found[("studio_moderation_pending", (("kind", "prompt"),))] == 1
    assert found[("studio_moderation_pending", (("kind", "report"),))] == 1
    assert found[("studio_token_suspensions_total", ())] == 1


def test_worker_heartbeats_are_counted_per_model(settings, monkeypatch) -> None:
    from django_q.status import Stat

    from generation.metrics import worker_model_announce

    settings.METRICS_ALLOW = ["127.0.0.1"]
    monkeypatch.setattr("os.getpid", lambda: 4242)
    monkeypatch.setattr("socket.gethostname", lambda: "gpu-1")
    worker_model_announce(proc_name="Process-1")  # what post_spawn runs in a worker
    monkeypatch.undo()
    stat = SimpleNamespace(host="gpu-1", workers=[4242, 4243], timestamp=timezone.now())
    monkeypatch.setattr(Stat, "get_all", staticmethod(lambda broker=None: [stat]))
    found = scrape()
    assert found[("studio_workers", (("model", settings.GENERATION_MODEL),))] == 1
    assert found[("studio_workers", (("model", "unknown"),))] == 1
    age = ("host", "gpu-1"), ("model", settings.GENERATION_MODEL), ("pid", "4242")
    assert 0 <= found[("studio_worker_heartbeat_age_seconds", age)] < 60


def test_metrics_written_by_other_processes_are_added_up(settings, tmp_path, monkeypatch) -> None:
    """What `serve` sets up: each worker writes its own file, the web node sums them."""
    settings.METRICS_ALLOW = ["127.0.0.1"]
    code = (
        "from generation.metrics import ENCODE_SECONDS, WEBSOCKETS_OPEN\n"
        "from access.metrics import QUOTA_REFUSALS\n"
        "ENCODE_SECONDS.observe(0.3)\n"
        "QUOTA_REFUSALS.labels(code='quota').inc()\n"
    )
    for _ in range(2):
        subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env={"PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
            check=True,
        )
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    found = scrape()
    assert found[("studio_job_encode_seconds_count", ())] == 2
    assert found[("studio_job_encode_seconds_bucket", (("le", "0.5"),))] == 2
    assert found[("studio_quota_refusals_total", (("code", "quota"),))] == 2
    assert ("studio_jobs", (("state", "queued"),)) in found  # the database's part is there too


def test_a_quota_refusal_is_counted(settings, alice) -> None:
    from access.metrics import QUOTA_REFUSALS
    from access.policy import Usage, generation_decision

    settings.QUOTA_DAILY_SECONDS = 1.0
    before = QUOTA_REFUSALS.labels(code="quota")._value.get()
    decision = generation_decision(
        alice, requested_seconds=5.0, usage=Usage(active_jobs=0, seconds_today=0.0)
    )
    assert decision.code == "quota"
    assert QUOTA_REFUSALS.labels(code="quota")._value.get() == before + 1


def test_every_series_the_grafana_dashboard_reads_is_exported(settings, alice) -> None:
    import json
    import re

    from access.metrics import QUOTA_REFUSALS
    from generation.metrics import ENCODE_SECONDS, WEBSOCKETS_OPEN

    settings.METRICS_ALLOW = ["127.0.0.1"]
    QUOTA_REFUSALS.labels(code="quota")
    ENCODE_SECONDS.observe(0)  # in this process; serve's processes write files instead
    WEBSOCKETS_OPEN.inc(0)
    dashboard = json.loads((ROOT / "docs" / "grafana-dashboard.json").read_text())
    exprs = [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]
    names = {name for expr in exprs for name in re.findall(r"studio_[a-z_]+", expr)}
    wanted = {re.sub(r"_(bucket|total|sum|count)$", "", name) for name in names}
    response = Client().get(reverse("metrics"))
    # Families, not samples: a labelled series with nothing counted yet has no sample.
    exported = {family.name for family in text_string_to_metric_families(response.content.decode())}
    assert len(wanted) >= 12
    assert sorted(wanted - exported) == []


def test_a_gpu_hosts_exporter_serves_its_workers_files_to_allowed_addresses(tmp_path) -> None:
    from sora_site.metrics import exporter_app, metrics_networks

    for gpu in ("0", "1"):  # one folder per worker unit, as deploy/systemd sets them
        (tmp_path / gpu).mkdir()
        subprocess.run(
            [
                sys.executable,
                "-c",
                "from generation.metrics import ENCODE_SECONDS; ENCODE_SECONDS.observe(2)",
            ],
            cwd=ROOT,
            env={"PROMETHEUS_MULTIPROC_DIR": str(tmp_path / gpu), "PATH": "/usr/bin:/bin"},
            check=True,
        )
    app = exporter_app(path=str(tmp_path), allowed=metrics_networks(("10.0.0.0/8",)))

    def get(path: str, ip: str) -> tuple[str, str]:
        answer: list[str] = []
        body = app({"PATH_INFO": path, "REMOTE_ADDR": ip}, lambda s, h: answer.append(s))
        return answer[0], b"".join(body).decode()

    status, text = get("/metrics", "10.1.2.3")
    assert status == "200 OK"
    assert samples(text)[("studio_job_encode_seconds_count", ())] == 2
    assert get("/metrics", "192.0.2.7")[0] == "403 Forbidden"
    assert get("/", "10.1.2.3")[0] == "404 Not Found"


def test_the_exporter_needs_a_metrics_folder_and_allowed_addresses(settings, monkeypatch) -> None:
    from django.core.management import CommandError, call_command

    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    with pytest.raises(CommandError, match="Set PROMETHEUS_MULTIPROC_DIR"):
        call_command("metrics_exporter")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(ROOT))
    settings.METRICS_ALLOW = []
    with pytest.raises(CommandError, match="METRICS_ALLOW is empty"):
        call_command("metrics_exporter")
