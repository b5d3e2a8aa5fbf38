"""The API's error codes are one enum (access/errors.py) with their HTTP status:
README's table, the OpenAPI document and the refusals all follow it."""

from __future__ import annotations

import re
from pathlib import Path

from access.errors import ErrorCode
from access.policy import Decision
from generation.openapi import openapi_document

README = Path(__file__).resolve().parent.parent / "README.md"


def readme_table() -> dict[int, set[str]]:
    """Status -> codes, from the table under "Errors are JSON with a stable code"."""
    section = README.read_text().split("Errors are JSON with a stable code", 1)[1]
    table: dict[int, set[str]] = {}
    for line in section.splitlines()[1:]:
        row = re.match(r"^\| (\d{3}) \| (.*) \|$", line)
        if row is None:
            if table:  # past the table's last row
                break
            continue
        table[int(row.group(1))] = set(re.findall(r"`([a-z_]+)`", row.group(2)))
    return table


def test_the_readme_table_lists_every_code_under_its_status() -> None:
    expected: dict[int, set[str]] = {}
    for code in ErrorCode:
        expected.setdefault(code.status, set()).add(code.value)
    assert readme_table() == expected


def test_a_refusal_takes_its_status_from_its_code() -> None:
    assert Decision(False, "Later.", ErrorCode.QUOTA, 60).status == 429
    assert Decision(False, "Paused.", ErrorCode.PAUSED, 60).status == 503
    assert Decision(False, "Full.", ErrorCode.STORAGE_FULL).status == 403
    assert Decision(True).status == 200


def test_the_openapi_error_schema_names_exactly_the_codes() -> None:
    error = openapi_document()["components"]["schemas"]["Error"]["properties"]["error"]
    assert error["properties"]["code"]["enum"] == [code.value for code in ErrorCode]
    responses = openapi_document()["paths"]["/api/v1/jobs"]["post"]["responses"]
    assert responses["429"]["description"] == "quota, rate_limited"
    assert "Retry-After" in responses["503"]["headers"]
