"""The audit log as CSV or JSON Lines, filtered and streamed row by row."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.dateparse import parse_date, parse_datetime

from access.models import AuditEvent

FIELDS = [
    "id",
    "created_at",
    "actor_id",
    "actor",
    "action",
    "target",
    "ip",
    "user_agent",
    "details",
]
# A spreadsheet runs a cell starting with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def audit_filtered(params: Mapping[str, str]) -> QuerySet[AuditEvent]:
    """Events matching ?action=&since=&until=, oldest first; ValidationError on bad input.

    `since` and `until` take an ISO date or date-time (UTC unless it says otherwise);
    a bare `until` date includes that whole day.
    """
    events = AuditEvent.objects.order_by("created_at", "id")
    action = (params.get("action") or "").strip()
    if action:
        events = events.filter(action=action)
    since = _moment(params.get("since"), "since", end_of_day=False)
    until = _moment(params.get("until"), "until", end_of_day=True)
    if since is not None:
        events = events.filter(created_at__gte=since)
    if until is not None:
        events = events.filter(created_at__lt=until)
    return events


def _moment(value: str | None, name: str, *, end_of_day: bool) -> datetime | None:
    value = (value or "").strip()
    if not value:
        return None
    # A bare date first: parse_datetime would also read "2026-05-03" as its midnight.
    try:
        day = parse_date(value)
        moment = None if day is not None else parse_datetime(value)
    except ValueError:
        moment = day = None
    if moment is not None:
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment + (timedelta(microseconds=1) if end_of_day else timedelta(0))
    if day is not None:
        start = datetime.combine(day, time.min, tzinfo=UTC)
        return start + timedelta(days=1) if end_of_day else start
    raise ValidationError(
        f"“{value}” is not a date for {name}: use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS.",
        code=name,
    )


def _row(event: AuditEvent) -> dict[str, Any]:
    return {
        "id": event.pk,
        "created_at": event.created_at.isoformat(),
        "actor_id": event.actor_id,
        "actor": event.actor_label,
        "action": event.action,
        "target": event.target,
        "ip": event.ip,
        "user_agent": event.user_agent,
        "details": event.details,
    }


class _Echo:
    """A file-like object whose write() hands the line back, for csv.writer."""

    def write(self, value: str) -> str:
        return value


def _cell(value: Any) -> str:
    if value is None:
        return ""
    text = json.dumps(value, sort_keys=True) if isinstance(value, dict) else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def csv_lines(events: QuerySet[AuditEvent]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(FIELDS)
    for event in events.iterator(chunk_size=1000):
        row = _row(event)
        yield writer.writerow([_cell(row[field]) for field in FIELDS])


def jsonl_lines(events: QuerySet[AuditEvent]) -> Iterator[str]:
    for event in events.iterator(chunk_size=1000):
        yield json.dumps(_row(event), sort_keys=True) + "\n"
