"""`manage.py sweep`: find jobs whose worker died, every few seconds, and notice a
Redis that restarted or came back so queued work resumes at once.

django-q2's scheduler runs at most once a minute, so with only the scheduled sweep
a job whose worker was killed waited up to a minute plus its lease. `serve` runs
this loop as a child; in the scaled set-up run it once per site (several copies are
harmless: every move is a conditional UPDATE). The minute's schedule stays as a
backstop.
"""

from __future__ import annotations

import logging
import signal
import time
from typing import Any

import redis
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from generation.tasks import jobs_redeliver, jobs_sweep

log = logging.getLogger("generation.sweep")


class RedisWatch:
    """Tells when the queue's Redis restarted (new run_id) or became reachable again:
    then whatever was on the queue may be gone, and queued jobs are handed over now."""

    def __init__(self) -> None:
        self.run_id: str | None = None
        self.reachable = True
        # redis-py reconnects on the next command after a failure.
        self.client = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2
        )

    def queue_lost(self) -> bool:
        try:
            run_id = str(self.client.info("server")["run_id"])
        except Exception:
            if self.reachable:
                log.warning("Redis is unreachable; queued jobs wait and resume when it is back")
            self.reachable = False
            return False
        lost = not self.reachable or (self.run_id is not None and run_id != self.run_id)
        if lost:
            log.warning("Redis is back (run %s): handing every queued job to the workers", run_id)
        self.run_id, self.reachable = run_id, True
        return lost


def sweep_once(watch: RedisWatch) -> dict[str, int]:
    counts = jobs_sweep()
    if watch.queue_lost():
        counts["redelivered"] += jobs_redeliver(queue_lost=True)
    return counts


class Command(BaseCommand):
    help = "Re-queue jobs whose worker stopped, every few seconds (serve runs this)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=float, default=2.0, help="seconds between sweeps")
        parser.add_argument("--once", action="store_true", help="sweep once and exit")

    def handle(self, *args: Any, **options: Any) -> None:
        self._stopping = False
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self._stop)
        watch = RedisWatch()
        while not self._stopping:
            started = time.monotonic()
            try:
                counts = sweep_once(watch)
                if counts["requeued"] or counts["failed"] or counts["redelivered"]:
                    log.info("Sweep: %s", counts)
            except Exception:  # the database may be restarting: try again next round
                log.exception("Sweep failed; trying again in %s s", options["every"])
            finally:
                close_old_connections()
            if options["once"]:
                return
            _sleep_until(started + options["every"], lambda: self._stopping)

    def _stop(self, signum: int, frame: object) -> None:
        self._stopping = True


def _sleep_until(deadline: float, stopping: Any) -> None:
    while not stopping() and time.monotonic() < deadline:
        time.sleep(min(0.2, max(0.0, deadline - time.monotonic())))
