"""/healthz: public JSON, 200 only when database, Redis and a worker are healthy."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
def test_it_is_public_and_healthy_with_redis_and_a_worker(
    client: Client, settings, redis_url: str
) -> None:
    settings.REDIS_URL = redis_url
    settings.HEALTH_CHECKS = [
        "sora_site.health.check_database",
        "sora_site.health.check_redis",
        "tests.test_healthz.check_fake_worker",
    ]
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "redis", "fake_worker"}


def check_fake_worker() -> tuple[bool, str]:
    return True, "1 cluster(s)"


@pytest.mark.django_db
def test_it_answers_503_when_redis_is_down(client: Client, settings, tmp_path) -> None:
    settings.REDIS_URL = f"unix://{tmp_path}/nothing-here.sock"
    settings.HEALTH_CHECKS = ["sora_site.health.check_database", "sora_site.health.check_redis"]
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"]["ok"] is False
    assert response.json()["checks"]["database"]["ok"] is True


@pytest.mark.django_db
def test_it_reports_no_worker_when_none_publishes_a_heartbeat(
    client: Client, settings, clean_redis: str
) -> None:
    settings.REDIS_URL = clean_redis
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "redis": clean_redis}
    settings.HEALTH_CHECKS = ["sora_site.health.check_worker"]
    from django_q.conf import Conf

    original = Conf.REDIS
    Conf.REDIS = clean_redis
    try:
        response = client.get("/healthz")
    finally:
        Conf.REDIS = original
    assert response.status_code == 503
    assert "no worker cluster" in response.json()["checks"]["worker"]["detail"]


@pytest.mark.django_db
def test_a_crashing_check_is_unhealthy_not_a_server_error(client: Client, settings) -> None:
    settings.HEALTH_CHECKS = ["tests.test_healthz.broken_check"]
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["broken_check"]["detail"] == "check failed: RuntimeError"


def broken_check() -> tuple[bool, str]:
    raise RuntimeError("boom")
