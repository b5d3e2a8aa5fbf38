"""Staff export the audit log as CSV or JSON Lines, filtered; nobody else can."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.http import StreamingHttpResponse
from django.test import Client

from access.audit import audit_record
from access.models import AuditEvent
from tests.people import ClientFor

CSV = "/audit/export.csv"
JSONL = "/audit/export.jsonl"


def body(response: Any) -> str:
    assert isinstance(response, StreamingHttpResponse)  # never built in memory
    return b"".join(response.streaming_content).decode()  # type: ignore[arg-type]


def at(event: AuditEvent, moment: datetime) -> None:
    """Back-date an event. The app can never edit one, so the test goes around it in SQL."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE access_auditevent SET created_at = %s WHERE id = %s",
            [connection.ops.adapt_datetimefield_value(moment), event.pk],
        )


@pytest.fixture
def events(staff_user: User) -> list[AuditEvent]:
    made = [
        audit_record(
            action="site.pause", actor=staff_user, target="site", details={"reason": "Upgrade"}
        ),
        audit_record(action="person.revoke", actor=staff_user, target="alice@example.com"),
        audit_record(action="site.resume", actor=staff_user, target='=HYPERLINK("x")'),
    ]
    for event, day in zip(made, (1, 2, 3), strict=True):
        at(event, datetime(2026, 5, day, 12, 0, tzinfo=UTC))
    return made


def test_staff_export_csv(
    staff_user: User, client_for: ClientFor, events: list[AuditEvent]
) -> None:
    response = client_for(staff_user).get(CSV + "?until=2026-05-03")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(body(response))))
    assert [row["action"] for row in rows] == ["site.pause", "person.revoke", "site.resume"]
    assert rows[0]["actor"] == "staff@example.com"
    assert json.loads(rows[0]["details"]) == {"reason": "Upgrade"}
    assert rows[0]["created_at"].startswith("2026-05-01T12:00:00")
    assert rows[2]["target"].startswith("'=")  # a spreadsheet must not run it


def test_staff_export_jsonl(
    staff_user: User, client_for: ClientFor, events: list[AuditEvent]
) -> None:
    response = client_for(staff_user).get(JSONL + "?until=2026-05-03")
    assert response.status_code == 200
    lines = [json.loads(line) for line in body(response).splitlines()]
    assert [line["action"] for line in lines] == ["site.pause", "person.revoke", "site.resume"]
    assert lines[1]["target"] == "alice@example.com"
    assert lines[0]["details"] == {"reason": "Upgrade"}
    assert lines[0]["actor_id"] == staff_user.pk


def test_filters_by_action_and_dates(
    staff_user: User, client_for: ClientFor, events: list[AuditEvent]
) -> None:
    client = client_for(staff_user)

    def actions(query: str) -> list[str]:
        return [json.loads(line)["action"] for line in body(client.get(JSONL + query)).splitlines()]

    assert actions("?action=person.revoke") == ["person.revoke"]
    assert actions("?since=2026-05-02&until=2026-05-03") == ["person.revoke", "site.resume"]
    assert actions("?until=2026-05-02") == ["site.pause", "person.revoke"]
    assert actions("?since=2026-05-01T13:00:00&until=2026-05-02T12:00:00") == ["person.revoke"]
    assert actions("?action=site.pause&since=2026-05-02") == []
    assert "audit.export" in actions("?since=2026-06-01")  # sign-ins and exports are now


def test_bad_dates_get_a_clear_message(
    staff_user: User, client_for: ClientFor, events: list[AuditEvent]
) -> None:
    response = client_for(staff_user).get(CSV + "?since=yesterday")
    assert response.status_code == 400
    assert b"is not a date for since" in response.content


def test_export_is_itself_audited(staff_user: User, client_for: ClientFor) -> None:
    body(client_for(staff_user).get(CSV + "?action=site.pause"))
    event = AuditEvent.objects.get(action="audit.export")
    assert event.actor == staff_user and event.details == {"format": "csv", "action": "site.pause"}


def test_artists_and_moderators_are_refused(
    alice: User, mod: User, client_for: ClientFor, events: list[AuditEvent]
) -> None:
    for person in (alice, mod):
        for url in (CSV, JSONL):
            response = client_for(person).get(url)
            assert response.status_code == 403
            assert b"site.pause" not in response.content
    assert Client().get(CSV).status_code == 302  # anonymous: to sign in


def test_admin_changelist_links_to_the_exports(
    staff_user: User, mod: User, client_for: ClientFor
) -> None:
    page = client_for(staff_user).get("/admin/access/auditevent/?action__exact=site.pause")
    assert b'href="/audit/export.csv?action=site.pause"' in page.content
    assert b'href="/audit/export.jsonl?action=site.pause"' in page.content
    assert b"/audit/export.csv" not in client_for(mod).get("/admin/access/auditevent/").content
