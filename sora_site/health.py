"""Health checks behind /healthz. Each returns (healthy, detail)."""

from __future__ import annotations

from collections.abc import Callable

import redis
from django.conf import settings
from django.db import connection
from django.utils.module_loading import import_string
from django_q.brokers import get_broker
from django_q.status import Stat

CheckResult = tuple[bool, str]


def check_database() -> CheckResult:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return False, f"database unreachable: {type(exc).__name__}"
    return True, connection.vendor


def redis_client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)


def check_redis() -> CheckResult:
    try:
        redis_client().ping()
    except Exception as exc:
        return False, f"redis unreachable: {type(exc).__name__}"
    return True, "ok"


def check_worker() -> CheckResult:
    """A worker cluster is alive if it published a status in the last few seconds."""
    try:
        clusters = Stat.get_all(broker=get_broker())
    except Exception as exc:
        return False, f"cannot read worker heartbeat: {type(exc).__name__}"
    if not clusters:
        return False, "no worker cluster is running (start one with: manage.py qcluster)"
    return True, f"{len(clusters)} cluster(s)"


def run_checks() -> dict[str, dict[str, object]]:
    results: dict[str, dict[str, object]] = {}
    for dotted in settings.HEALTH_CHECKS:
        check: Callable[[], CheckResult] = import_string(dotted)
        name = dotted.rsplit(".", 1)[-1].removeprefix("check_")
        try:
            healthy, detail = check()
        except Exception as exc:  # a broken check is itself unhealthy, never a 500
            healthy, detail = False, f"check failed: {type(exc).__name__}"
        results[name] = {"ok": healthy, "detail": detail}
    return results
