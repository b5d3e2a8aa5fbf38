"""Workers announce themselves: host, device, model, current job, heartbeat.

Each django-q2 worker process (forked by `manage.py qcluster`) starts a small
heartbeat thread when it spawns, and marks its current job when it claims one.
Nothing here touches CUDA: the device is what the environment assigns
(CUDA_VISIBLE_DEVICES, GENERATION_DEVICE), read as text.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection
from django.db.models import Count, QuerySet
from django.utils import timezone
from django_q.conf import Conf

from generation.models import ModelEntry, Worker

log = logging.getLogger(__name__)
HEARTBEAT_SECONDS = 5.0
LIVE_SECONDS = 30  # a worker silent for longer counts as gone
FORGET_AFTER = timedelta(days=1)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def served_model_name() -> str:
    """The name jobs carry for what this worker serves: its catalogue entry, or the
    single configured GENERATION_MODEL."""
    return settings.WORKER_MODEL or settings.GENERATION_MODEL


def assigned_device() -> str:
    visible = os.environ.get("CUDA_VISIBLE_DEVICES")
    if visible not in (None, ""):
        return f"gpu {visible}"
    return settings.GENERATION_DEVICE


def worker_announce(*, current_job_id: int | None = None, full: bool = False) -> None:
    """Insert or refresh this process's row (and say which job it is on): one UPDATE
    when the row exists, which is every time but the first."""
    now = timezone.now()
    mine = Worker.objects.filter(name=worker_name())
    if not full and mine.update(current_job_id=current_job_id, heartbeat_at=now):
        return
    Worker.objects.update_or_create(
        name=worker_name(),
        defaults={
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "device": assigned_device(),
            "model_name": served_model_name(),
            "current_job_id": current_job_id,
            "heartbeat_at": now,
        },
    )


def worker_beat() -> None:
    """Refresh the heartbeat only; the current job is the task's to set."""
    updated = Worker.objects.filter(name=worker_name()).update(heartbeat_at=timezone.now())
    if not updated:
        worker_announce()


def _heartbeat_loop(stop: threading.Event) -> None:
    while not stop.wait(HEARTBEAT_SECONDS):
        try:
            close_old_connections()
            worker_beat()
        except Exception as exc:  # the database is down: say so, keep beating
            log.warning("Worker heartbeat not recorded (%s)", exc)
        finally:
            connection.close()


def worker_heartbeat_start(**kwargs: Any) -> threading.Event | None:
    """django-q2's post_spawn receiver: runs in each freshly forked worker process."""
    if Conf.SYNC:
        # Inline tasks (tests) send post_spawn in the caller's own thread: there is no
        # forked worker to announce, and closing the connection would close the caller's.
        return None
    stop = threading.Event()
    try:
        worker_announce(full=True)  # a reused pid may have served another model
    except Exception as exc:
        log.warning("Worker could not announce itself (%s)", exc)
    finally:
        connection.close()  # the task loop opens its own connection
    threading.Thread(target=_heartbeat_loop, args=(stop,), daemon=True, name="heartbeat").start()
    return stop


def workers_live() -> QuerySet[Worker]:
    cutoff = timezone.now() - timedelta(seconds=LIVE_SECONDS)
    return Worker.objects.filter(heartbeat_at__gte=cutoff)


def live_worker_counts() -> dict[str, int]:
    """Live workers per model name."""
    rows = workers_live().values("model_name").annotate(count=Count("pk")).order_by("model_name")
    return {row["model_name"]: row["count"] for row in rows}


def workers_forget_stale() -> int:
    """Drop rows of workers silent for a day (called by the sweep)."""
    deleted, _ = Worker.objects.filter(heartbeat_at__lt=timezone.now() - FORGET_AFTER).delete()
    return deleted


def check_workers() -> tuple[bool, str]:
    """/healthz: live workers per model."""
    counts = live_worker_counts()
    if not counts:
        return False, "no live worker has announced itself in the last 30 s"
    return True, ", ".join(f"{model}: {count}" for model, count in counts.items())


def catalogue_entry(name: str) -> ModelEntry | None:
    return ModelEntry.objects.filter(name=name).first()
