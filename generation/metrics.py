"""What only a web or worker process sees, observed where it happens.

Job states, durations and GPU seconds come from the database at scrape time
(sora_site/metrics.py), so they count every GPU host. The encode time and open
sockets exist only inside a process: they are kept in prometheus-client's
multiprocess files when PROMETHEUS_MULTIPROC_DIR is set.
"""

from __future__ import annotations

import contextlib
import os
import socket

from django.conf import settings
from django.core.cache import cache
from prometheus_client import Gauge, Histogram

DURATION_BUCKETS = (0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600)

ENCODE_SECONDS = Histogram(
    "studio_job_encode_seconds",
    "Seconds to encode a finished job's frames into an MP4 and a poster",
    buckets=DURATION_BUCKETS,
)
WEBSOCKETS_OPEN = Gauge(
    "studio_websockets_open",
    "Live-progress websockets open now",
    multiprocess_mode="livesum",
)


WORKER_MODEL_KEY = "generation:worker-model:{host}:{pid}"
WORKER_MODEL_TTL = 7 * 24 * 3600  # refreshed by every scrape that sees the worker alive


def worker_model_announce(**kwargs: object) -> None:
    """django-q2's post_spawn, in each forked worker: say which model this worker serves.

    django-q2's cluster heartbeat (its Stat) names the worker pids but not the
    model; this key joins the two on the scrape side (sora_site/metrics.py).
    """
    key = WORKER_MODEL_KEY.format(host=socket.gethostname(), pid=os.getpid())
    # Redis down: the worker still works, and its model shows as "unknown".
    with contextlib.suppress(Exception):
        cache.set(key, settings.GENERATION_MODEL, timeout=WORKER_MODEL_TTL)


def worker_models(workers: list[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """The model each (host, pid) announced; keys seen alive get their TTL renewed."""
    keys = {WORKER_MODEL_KEY.format(host=host, pid=pid): (host, pid) for host, pid in workers}
    found = cache.get_many(list(keys))
    for key in found:
        cache.touch(key, WORKER_MODEL_TTL)
    return {keys[key]: str(model) for key, model in found.items()}
