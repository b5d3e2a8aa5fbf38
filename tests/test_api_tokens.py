"""The JSON API with personal tokens: scopes, errors as JSON, no CSRF for tokens."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from access.services import person_revoke, token_create
from generation.models import Job
from tests.jobs import make_job

pytestmark = pytest.mark.django_db


def bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}", "User-Agent": "studio-cli/1.0"}


def submit(client: Client, raw: str, **body: object):
    payload = {"prompt": "a kite over dunes", "steps": 2, **body}
    return client.post(
        "/api/v1/jobs",
        data=json.dumps(payload),
        content_type="application/json",
        headers=bearer(raw),
    )


def test_a_submit_token_creates_jobs_without_a_session_or_csrf(alice) -> None:
    _, raw = token_create(user=alice, name="cli", scopes=["submit", "read"])
    client = Client(enforce_csrf_checks=True)
    response = submit(client, raw)
    assert response.status_code == 201, response.content
    job_id = response.json()["jobs"][0]["id"]
    assert Job.objects.get(pk=job_id).owner == alice
    status = client.get(f"/api/v1/jobs/{job_id}", headers=bearer(raw))
    assert status.status_code == 200 and status.json()["id"] == job_id


def test_a_read_only_token_cannot_submit(alice) -> None:
    _, raw = token_create(user=alice, name="viewer", scopes=["read"])
    response = submit(Client(), raw)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "insufficient_scope"
    assert not Job.objects.exists()


def test_a_token_reads_only_its_owners_jobs(alice, bob) -> None:
    _, raw = token_create(user=bob, name="bobs", scopes=["read"])
    alices_job = make_job(alice)
    response = Client().get(f"/api/v1/jobs/{alices_job.pk}", headers=bearer(raw))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("raw", ["sora_nope_nope", "garbage"])
def test_unknown_tokens_get_a_json_401(raw: str) -> None:
    response = Client().get("/api/v1/videos", headers=bearer(raw))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_token"


def test_a_revoked_persons_token_stops_working_at_once(alice, staff_user) -> None:
    _, raw = token_create(user=alice, name="cli", scopes=["read"])
    assert Client().get("/api/v1/videos", headers=bearer(raw)).status_code == 200
    person_revoke(user=alice, by=staff_user, reason="token found in a public repo")
    response = Client().get("/api/v1/videos", headers=bearer(raw))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_revoked"


def test_a_session_post_without_csrf_gets_a_json_error(client_for, alice) -> None:
    client = client_for(alice)
    response = client.post(
        "/api/v1/jobs", data=json.dumps({"prompt": "x"}), content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "csrf_failed"
    assert not Job.objects.exists()


def test_a_token_used_from_too_many_addresses_is_suspended(alice, settings) -> None:
    settings.API_TOKEN_MAX_CLIENTS = 2
    _, raw = token_create(user=alice, name="leaked", scopes=["read"])
    for ip in ("198.51.100.1", "198.51.100.2"):
        assert Client(REMOTE_ADDR=ip).get("/api/v1/videos", headers=bearer(raw)).status_code == 200
    response = Client(REMOTE_ADDR="198.51.100.3").get("/api/v1/videos", headers=bearer(raw))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "token_suspended"
