"""The model catalogue, workers announcing themselves, and the model a job carries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from generation import tasks
from generation.backends import ModelConfig, ModelLoadError
from generation.models import Job, JobStatus, ModelEntry, Worker
from generation.services import task_queue_for
from generation.workers import check_workers, worker_announce, worker_name
from tests.jobs import make_job
from tests.people import form_post, signed_in_client


def entry(name: str, **fields) -> ModelEntry:
    defaults = {"source": "simulated:0", "display_name": name.title(), "enabled": True}
    return ModelEntry.objects.create(name=name, **{**defaults, **fields})


def live_worker(model: str, *, host: str = "gpu-1", age_seconds: float = 0) -> Worker:
    return Worker.objects.create(
        name=f"{host}:{Worker.objects.count() + 100}",
        host=host,
        pid=Worker.objects.count() + 100,
        device="gpu 0",
        model_name=model,
        heartbeat_at=timezone.now() - timedelta(seconds=age_seconds),
    )


def test_without_a_catalogue_the_form_has_no_model_choice(alice) -> None:
    page = signed_in_client(alice).get(reverse("job_create"))
    assert page.status_code == 200 and 'name="model"' not in page.content.decode()


def test_the_form_offers_enabled_live_models_the_persons_role_may_use(alice, staff_user) -> None:
    entry("fast", display_name="Fast draft")
    entry("big", display_name="Big studio model", roles=["staff"])
    entry("off", display_name="Switched off", enabled=False)
    entry("idle", display_name="Nobody serves me")
    for name in ("fast", "big", "off"):
        live_worker(name)
    live_worker("idle", age_seconds=120)  # its heartbeat stopped two minutes ago
    artist_page = signed_in_client(alice).get(reverse("job_create")).content.decode()
    assert "Fast draft" in artist_page
    for absent in ("Big studio model", "Switched off", "Nobody serves me"):
        assert absent not in artist_page
    staff_page = signed_in_client(staff_user).get(reverse("job_create")).content.decode()
    assert "Fast draft" in staff_page and "Big studio model" in staff_page


def test_a_job_carries_its_model_and_goes_to_that_models_task_list(alice, settings) -> None:
    entry("fast")
    live_worker("fast")
    client = signed_in_client(alice)
    response = form_post(
        client, reverse("job_create"), {"prompt": "a red boat", "model": "fast", "steps": "1"}
    )
    assert response.status_code == 302
    job = Job.objects.get(owner=alice)
    assert job.model_name == "fast"
    assert task_queue_for(job_id=job.pk) == f"{settings.Q_CLUSTER['name']}.fast"
    other = make_job(alice, model_name="builtin")
    assert task_queue_for(job_id=other.pk) is None  # not a catalogue model: the default list


def test_a_model_nobody_may_use_is_refused_and_nothing_is_created(alice) -> None:
    entry("big", roles=["staff"])
    live_worker("big")
    response = form_post(
        signed_in_client(alice), reverse("job_create"), {"prompt": "a red boat", "model": "big"}
    )
    assert response.status_code == 400 and not Job.objects.exists()


def test_a_worker_serving_a_catalogue_entry_loads_its_source_and_options(db, settings) -> None:
    entry("wan-small", source="/models/wan", dtype="bfloat16", offload="model")
    settings.WORKER_MODEL = "wan-small"
    config = ModelConfig.from_settings()
    assert (config.name, config.dtype, config.offload) == ("/models/wan", "bfloat16", "model")
    settings.WORKER_MODEL = "missing"
    with pytest.raises(ModelLoadError, match="not in the model catalogue"):
        ModelConfig.from_settings()


def test_a_catalogue_worker_runs_only_its_models_jobs_and_records_its_job(alice, settings) -> None:
    entry("sim")
    other = make_job(alice, model_name="builtin")
    mine = make_job(alice, model_name="sim", steps=1)
    settings.WORKER_MODEL = "sim"
    assert tasks.job_run(other.pk) == JobStatus.SUCCEEDED  # woken for the other job...
    mine.refresh_from_db()
    other.refresh_from_db()
    assert (mine.status, other.status) == (JobStatus.SUCCEEDED, JobStatus.QUEUED)  # ...ran its own
    me = Worker.objects.get(name=worker_name())
    assert me.model_name == "sim" and me.current_job is None  # cleared once finished


def test_roles_must_be_known_roles(db) -> None:
    with pytest.raises(ValidationError):
        ModelEntry(name="x", source="builtin", display_name="X", roles=["wizard"]).full_clean()
    ModelEntry(name="x", source="builtin", display_name="X", roles=["artist"]).full_clean()


def test_healthz_counts_live_workers_per_model(db, settings) -> None:
    settings.HEALTH_CHECKS = ["generation.workers.check_workers"]
    assert Client().get("/healthz").status_code == 503
    live_worker("fast")
    live_worker("fast", host="gpu-2")
    live_worker("big")
    live_worker("big", age_seconds=300)
    worker_announce()  # this process, serving the default GENERATION_MODEL
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["workers"]["detail"] == "big: 1, builtin: 1, fast: 2"
    assert check_workers()[0] is True


def test_staff_see_the_workers_page_and_artists_do_not(alice, staff_user) -> None:
    live_worker("fast", host="gpu-host-7")
    url = reverse("admin:generation_worker_changelist")
    page = signed_in_client(staff_user).get(url)
    assert page.status_code == 200 and "gpu-host-7" in page.content.decode()
    assert signed_in_client(alice).get(url).status_code == 302  # to the admin login
