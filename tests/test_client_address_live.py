"""Forged X-Forwarded-For against a real `serve`: it counts only from TRUSTED_PROXIES.

The server trusts 127.0.0.9 as its proxy. Requests from 127.0.0.1-127.0.0.4 (Linux
answers the whole 127/8 block on loopback) are direct clients, whatever headers
they write. Covers the login throttle, the audit log's address, the token
many-clients suspension and a malformed header, end to end through uvicorn.
"""

from __future__ import annotations

import http.client
import re
import subprocess
from collections.abc import Iterator
from typing import NamedTuple
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.test import Client

from access.models import ApiToken, AuditEvent
from access.services import token_create
from tests.people import person_create
from tests.services import web_serving

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PROXY = "127.0.0.9"


class Reply(NamedTuple):
    status: int
    headers: http.client.HTTPMessage
    text: str


class Studio(NamedTuple):
    port: int
    process: subprocess.Popen[str]


@pytest.fixture(scope="module")
def studio(
    django_db_setup: None,
    django_db_blocker: object,
    tmp_path_factory: pytest.TempPathFactory,
    redis_url: str,
) -> Iterator[Studio]:
    with web_serving(
        tmp_path_factory.mktemp("var"),
        timeout=90,
        REDIS_URL=redis_url,
        TRUSTED_PROXIES=PROXY,
        API_TOKEN_MAX_CLIENTS="3",
        LOGIN_FAILED_RATE="5/m/ip",
    ) as server:
        yield Studio(server.port, server.process)


def fetch(
    studio: Studio,
    path: str,
    *,
    source: str = "127.0.0.1",
    method: str = "GET",
    headers: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
) -> Reply:
    """One request from the loopback address `source`."""
    connection = http.client.HTTPConnection(
        "127.0.0.1", studio.port, timeout=30, source_address=(source, 0)
    )
    sent = dict(headers or {})
    body = None
    if form is not None:
        body = urlencode(form)
        sent["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        return Reply(response.status, response.headers, response.read().decode())
    finally:
        connection.close()


def failed_login(studio: Studio, email: str, *, source: str = "127.0.0.1", forwarded: str) -> Reply:
    page = fetch(studio, "/accounts/login/", source=source)
    csrf = re.search(r"csrftoken=([^;]+)", page.headers.get("Set-Cookie", ""))
    assert csrf, page.headers
    return fetch(
        studio,
        "/accounts/login/",
        source=source,
        method="POST",
        headers={"Cookie": f"csrftoken={csrf.group(1)}", "X-Forwarded-For": forwarded},
        form={"csrfmiddlewaretoken": csrf.group(1), "login": email, "password": "wrong-password"},
    )


def session_cookie(user: object) -> str:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}"


def test_rotating_forged_addresses_do_not_escape_the_login_throttle(
    studio: Studio, clean_redis: str
) -> None:
    answers = [
        failed_login(studio, f"nobody{n}@example.com", forwarded=f"198.51.100.{n}").text
        for n in range(1, 9)
    ]
    throttled = [n for n, text in enumerate(answers, 1) if "Too many failed login" in text]
    assert throttled == [6, 7, 8], "the limit is 5 failed sign-ins per minute per address"


def test_the_audit_log_records_the_connection_not_the_forged_header(studio: Studio) -> None:
    # From .5: the throttle test above used up .1's failed sign-ins for this minute.
    failed_login(studio, "forger@example.com", source="127.0.0.5", forwarded="203.0.113.66")
    event = AuditEvent.objects.get(action="auth.login_failed", target="forger@example.com")
    assert event.ip == "127.0.0.5"


def test_the_trusted_proxy_reports_the_client_address(studio: Studio) -> None:
    failed_login(studio, "proxied@example.com", source=PROXY, forwarded="203.0.113.77")
    event = AuditEvent.objects.get(action="auth.login_failed", target="proxied@example.com")
    assert event.ip == "203.0.113.77"


def test_one_forged_address_does_not_hide_a_token_used_from_many_places(studio: Studio) -> None:
    owner = person_create("leaky@example.com")
    token, raw = token_create(user=owner, name="leaked", scopes=["read"])
    headers = {"Authorization": f"Bearer {raw}", "X-Forwarded-For": "203.0.113.7"}
    statuses = [
        fetch(studio, "/api/v1/videos", source=f"127.0.0.{n}", headers=headers).status
        for n in range(1, 5)
    ]
    assert statuses == [200, 200, 200, 403]  # the fourth distinct client suspends it
    token.refresh_from_db()
    assert token.suspended_at is not None
    assert ApiToken.objects.get(pk=token.pk).clients.count() == 4


@pytest.mark.parametrize("source", ["127.0.0.1", PROXY], ids=["direct", "via-proxy"])
@pytest.mark.parametrize("forwarded", ["unknown", "", "1.2.3.4, not-an-ip", "::::"])
def test_a_malformed_header_is_ignored_never_a_403(
    studio: Studio, source: str, forwarded: str
) -> None:
    artist = person_create(f"xff{abs(hash((source, forwarded)))}@example.com")
    headers = {"Cookie": session_cookie(artist), "X-Forwarded-For": forwarded}
    page = fetch(studio, "/create/", source=source, headers=headers)
    assert page.status == 200, page.text[:300]
    assert fetch(studio, "/healthz", source=source, headers=headers).status in (200, 503)


def test_a_malformed_header_from_the_proxy_falls_back_to_the_proxy(studio: Studio) -> None:
    failed_login(studio, "garbled@example.com", source=PROXY, forwarded="unknown")
    event = AuditEvent.objects.get(action="auth.login_failed", target="garbled@example.com")
    assert event.ip == PROXY
