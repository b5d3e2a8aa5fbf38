"""The OpenAPI document of /api/v1, and schemathesis against a live server with it."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from access.services import token_create
from sora_site.asgi_server import web_server_argv
from tests.people import person_create
from tests.services import ROOT, free_port, stop_process, subprocess_env, wait_for_http

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


def test_signed_in_people_get_the_document_with_every_api_url(alice) -> None:
    client = Client()
    client.force_login(alice)
    document = client.get(reverse("api_openapi")).json()
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) == {"/api/v1/jobs", "/api/v1/jobs/{id}", "/api/v1/videos"}
    assert document["components"]["schemas"]["Submission"]["required"] == ["prompt"]


def test_anonymous_callers_get_a_json_401(db) -> None:
    response = Client().get(reverse("api_openapi"))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.fixture
def web(tmp_path: Path, redis_url: str) -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        web_server_argv(host="127.0.0.1", port=port, workers=1),
        cwd=ROOT,
        env=subprocess_env(tmp_path / "var", REDIS_URL=redis_url, SUBMIT_RATE="1000/m"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    wait_for_http(f"{base}/status", timeout=60, process=process)
    yield base
    stop_process(process)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_schemathesis_finds_no_server_error_or_schema_drift(
    web: str, clean_redis: str, tmp_path: Path
) -> None:
    _, raw = token_create(
        user=person_create("fuzzer@example.com"), name="schemathesis", scopes=["submit", "read"]
    )
    result = subprocess.run(
        [
            str(SCHEMATHESIS),
            "run",
            f"{web}/api/v1/openapi.json",
            "--header",
            f"Authorization: Bearer {raw}",
            "--checks",
            "not_a_server_error,status_code_conformance,content_type_conformance,"
            "response_schema_conformance,response_headers_conformance",
            "--max-examples",
            "40",
            "--seed",
            "15",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,  # schemathesis keeps a .schemathesis/ cache in its working dir
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    print(result.stdout[-1200:])
    assert "Tested: 3" in result.stdout, result.stdout[-2000:]
