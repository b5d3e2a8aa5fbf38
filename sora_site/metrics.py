"""Prometheus metrics for /metrics: what the database knows, plus what processes saw.

Two sources, chosen per metric:

- **The database and the shared Redis, read at scrape time** (this module's
  collector): jobs by state, queue-wait and run durations, GPU seconds by model,
  failures by reason, moderation verdicts and pending reviews, token suspensions,
  worker heartbeats. GPU workers may run on other hosts than the web node that is
  scraped; the Job table and django-q2's cluster heartbeat are the only places
  that see all of them, and they survive restarts.
- **prometheus-client's multiprocess files** (PROMETHEUS_MULTIPROC_DIR, which
  `serve` sets and wipes at start): the few things that exist only inside one
  process: open websockets, quota refusals, encode time (access/metrics.py,
  generation/metrics.py). Without the variable they are this process's only.
"""

from __future__ import annotations

import glob
import ipaddress
import os
import time
from collections.abc import Iterable, Iterator
from datetime import timedelta
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django_q.brokers import get_broker
from django_q.status import Stat
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from access.audit import Network, address_networks
from access.models import ApiToken, AuditEvent
from generation.metrics import DURATION_BUCKETS, worker_models
from generation.models import Job, JobStatus
from moderation.models import Report, ReviewStatus, Screening

# A failed job's message says what happened; its beginning says which kind of failure.
FAILURE_REASONS = (
    ("The video model could not be loaded", "model_load"),
    ("The worker stopped while making this video", "worker_lost"),
    ("Generation failed", "pipeline_error"),
)


def metrics_networks(spec: tuple[str, ...]) -> tuple[Network, ...]:
    """METRICS_ALLOW entries as networks; a typo fails loudly (system check sora_site.E001)."""
    return address_networks(spec, setting="METRICS_ALLOW")


def _duration_histogram(
    name: str, documentation: str, rows: QuerySet[Job], start: str, end: str
) -> HistogramMetricFamily:
    """Cumulative bucket counts over every job that has both moments, in one query."""
    span = ExpressionWrapper(F(end) - F(start), output_field=DurationField())
    rows = rows.filter(**{f"{start}__isnull": False, f"{end}__isnull": False}).annotate(span=span)
    aggregates: dict[str, Any] = {
        f"le_{i}": Count("pk", filter=Q(span__lte=timedelta(seconds=bound)))
        for i, bound in enumerate(DURATION_BUCKETS)
    }
    totals = rows.aggregate(count=Count("pk"), total=Sum("span"), **aggregates)
    buckets = [(str(float(b)), totals[f"le_{i}"]) for i, b in enumerate(DURATION_BUCKETS)]
    buckets.append(("+Inf", totals["count"]))
    total = totals["total"].total_seconds() if totals["total"] else 0.0
    family = HistogramMetricFamily(name, documentation)
    family.add_metric([], buckets, total)
    return family


class StudioCollector(Collector):
    """Reads the database (and django-q2's heartbeat in Redis) on every scrape."""

    def collect(self) -> Iterator[Metric]:
        yield self._jobs_by_state()
        yield _duration_histogram(
            "studio_job_queue_wait_seconds",
            "Seconds from queued to started on a GPU, per job that started",
            Job.objects.all(),
            "queued_at",
            "started_at",
        )
        yield _duration_histogram(
            "studio_job_run_seconds",
            "Seconds from start to the end (success or failure), per job that ran",
            Job.objects.filter(status__in=[JobStatus.SUCCEEDED, JobStatus.FAILED]),
            "started_at",
            "finished_at",
        )
        yield self._gpu_seconds()
        yield self._failures()
        yield from self._moderation()
        yield from self._tokens()
        yield from self._workers()

    def _jobs_by_state(self) -> GaugeMetricFamily:
        family = GaugeMetricFamily("studio_jobs", "Jobs in each state now", labels=["state"])
        counts = dict(Job.objects.values_list("status").annotate(n=Count("pk")).order_by())
        for state in JobStatus.values:
            family.add_metric([state], counts.get(state, 0))
        return family

    def _gpu_seconds(self) -> CounterMetricFamily:
        family = CounterMetricFamily(
            "studio_gpu_seconds",
            "Seconds of denoising per model, over jobs that made a video",
            labels=["model"],
        )
        rows = Job.objects.filter(gpu_seconds__isnull=False).values_list("model_name")
        for model, seconds in rows.annotate(s=Sum("gpu_seconds")).order_by():
            family.add_metric([model], seconds or 0.0)
        return family

    def _failures(self) -> CounterMetricFamily:
        family = CounterMetricFamily(
            "studio_job_failures", "Jobs that failed, by kind of failure", labels=["reason"]
        )
        # Classified in SQL: a scrape must not read every failed job's message.
        kind = Case(
            *(
                When(error__startswith=prefix, then=Value(reason))
                for prefix, reason in FAILURE_REASONS
            ),
            default=Value("other"),
            output_field=CharField(),
        )
        rows = Job.objects.filter(status=JobStatus.FAILED).annotate(kind=kind)
        counts = dict.fromkeys((reason for _, reason in FAILURE_REASONS), 0) | {"other": 0}
        counts |= dict(rows.values_list("kind").annotate(n=Count("pk")).order_by())
        for reason, count in counts.items():
            family.add_metric([reason], count)
        return family

    def _moderation(self) -> Iterable[Metric]:
        verdicts = CounterMetricFamily(
            "studio_moderation_verdicts",
            "Screening verdicts by verdict and category (empty category: allowed)",
            labels=["verdict", "category"],
        )
        rows = Screening.objects.values_list("verdict", "category").annotate(n=Count("pk"))
        for verdict, category, count in rows.order_by():
            verdicts.add_metric([verdict, category], count)
        pending = GaugeMetricFamily(
            "studio_moderation_pending", "Items waiting for a moderator", labels=["kind"]
        )
        held = Screening.objects.filter(review_status=ReviewStatus.PENDING).count()
        pending.add_metric(["prompt"], held)
        pending.add_metric(["report"], Report.objects.filter(status=Report.Status.OPEN).count())
        return verdicts, pending

    def _tokens(self) -> Iterable[Metric]:
        # The audit log keeps every suspension, even of tokens since lifted or revoked.
        suspensions = CounterMetricFamily(
            "studio_token_suspensions", "API tokens suspended for use from too many clients"
        )
        suspensions.add_metric([], AuditEvent.objects.filter(action="token.suspend").count())
        suspended = GaugeMetricFamily(
            "studio_tokens_suspended", "API tokens suspended now (not lifted, not revoked)"
        )
        now_suspended = ApiToken.objects.filter(
            suspended_at__isnull=False, revoked_at__isnull=True
        ).count()
        suspended.add_metric([], now_suspended)
        return suspensions, suspended

    def _workers(self) -> Iterable[Metric]:
        age = GaugeMetricFamily(
            "studio_worker_heartbeat_age_seconds",
            "Seconds since the worker's cluster last published its heartbeat",
            labels=["host", "pid", "model"],
        )
        alive = GaugeMetricFamily(
            "studio_workers", "Worker processes with a live heartbeat", labels=["model"]
        )
        try:
            stats = Stat.get_all(broker=get_broker())
        except Exception:  # Redis down: no heartbeat can be read; /healthz says why
            stats = []
        workers = [(stat.host, pid, stat.timestamp) for stat in stats for pid in stat.workers]
        models = worker_models([(host, pid) for host, pid, _ in workers]) if workers else {}
        per_model: dict[str, int] = {}
        now = time.time()
        for host, pid, stamp in workers:
            model = models.get((host, pid), "unknown")
            age.add_metric([host, str(pid), model], max(0.0, now - stamp.timestamp()))
            per_model[model] = per_model.get(model, 0) + 1
        for model, count in per_model.items():
            alive.add_metric([model], count)
        return age, alive


def metrics_render() -> bytes:
    """The exposition text: every process's own metrics, then the database's."""
    registry = CollectorRegistry()
    multiproc_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if multiproc_dir:
        MultiProcessCollector(registry, path=multiproc_dir)
        text = generate_latest(registry)
    else:
        text = generate_latest(REGISTRY)
    own = CollectorRegistry()
    own.register(StudioCollector())
    return text + generate_latest(own)


def exporter_app(*, path: str, allowed: tuple[Network, ...]) -> Any:
    """A WSGI app serving one host's multiprocess metrics files, for GPU hosts.

    Web nodes serve /metrics themselves; a GPU host has no web server, so its
    workers' own metrics (encode time) are served by `manage.py metrics_exporter`.
    `path` may hold one folder per worker unit (each GPU's unit empties only its
    own); every file below it is added up. No proxy sits in front of it: the peer
    address is the client.
    """

    class HostFiles(Collector):
        def collect(self) -> Iterable[Metric]:
            files = glob.glob(os.path.join(path, "**", "*.db"), recursive=True)
            return MultiProcessCollector.merge(files, accumulate=True)

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        if environ.get("PATH_INFO") != "/metrics":
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"Only /metrics is served here.\n"]
        try:
            peer = ipaddress.ip_address(environ.get("REMOTE_ADDR", ""))
        except ValueError:
            peer = None
        if peer is None or not any(peer in network for network in allowed):
            start_response("403 Forbidden", [("Content-Type", "text/plain")])
            return [b"Metrics are served only to METRICS_ALLOW addresses.\n"]
        registry = CollectorRegistry()
        registry.register(HostFiles())
        start_response("200 OK", [("Content-Type", CONTENT_TYPE_LATEST)])
        return [generate_latest(registry)]

    return app
