# ruff: noqa: F811 - fixtures are imported from tests/test_moderation_fixtures.py
"""The moderation_eval command, on a fixture small enough to score by hand."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from moderation.models import Rule, Screening
from tests.test_moderation_fixtures import only_rules  # noqa: F401

pytestmark = pytest.mark.django_db

ROWS = [
    {"prompt": "lava flow", "expected": "block", "category": "gore"},  # block: TP
    {
        "prompt": "l4va flow",
        "expected": "block",
        "category": "gore",
        "technique": "leetspeak",
    },  # TP
    {"prompt": "magma", "expected": "flag", "category": "gore"},  # allow: FN
    {"prompt": "a hymn", "expected": "flag", "category": "extremism"},  # allow: FN
    {"prompt": "calm sea", "expected": "allow"},  # allow: TN
    {"prompt": "lava lamp", "expected": "allow"},  # block as gore: FP
]


def run(tmp_path: Path, *extra: str) -> dict[str, list[str]]:
    source = tmp_path / "set.jsonl"
    source.write_text("\n".join(json.dumps(r) for r in ROWS) + "\n", encoding="utf-8")
    out = StringIO()
    call_command("moderation_eval", str(source), *extra, stdout=out)
    return {
        line.split()[0]: line.split()[1:] for line in out.getvalue().splitlines() if line.strip()
    }


def test_it_scores_by_category_technique_and_overall(only_rules: Any, tmp_path: Path) -> None:
    only_rules("lava", action="block", category="gore")
    lines = run(tmp_path)
    # n, TP, FN, FP, precision, recall, FPR
    # gore: 2 caught of 3; one of the 2 benign prompts was called gore.
    assert lines["gore"] == ["3", "2", "1", "1", "0.667", "0.667", "0.500"]
    assert lines["extremism"] == ["1", "0", "1", "0", "-", "0.000", "0.000"]
    # Overall: 2 of 4 harmful caught, 1 of 2 benign caught.
    assert lines["overall"] == ["6", "2", "2", "1", "0.667", "0.500", "0.500"]
    assert lines["leetspeak"] == ["1", "1", "0", "0", "1.000", "1.000", "-"]
    assert lines["none"] == ["3", "1", "2", "1", "0.500", "0.333", "0.500"]
    assert Screening.objects.count() == 0  # measuring writes nothing


def test_it_writes_one_verdict_per_prompt(only_rules: Any, tmp_path: Path) -> None:
    only_rules("lava", action="block", category="gore")
    only_rules("hymn", action="flag", category="extremism")
    run(tmp_path, "--out", str(tmp_path / "out.jsonl"))
    written = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert written == [
        {"prompt": "lava flow", "verdict": "block"},
        {"prompt": "l4va flow", "verdict": "block"},
        {"prompt": "magma", "verdict": "allow"},
        {"prompt": "a hymn", "verdict": "flag"},
        {"prompt": "calm sea", "verdict": "allow"},
        {"prompt": "lava lamp", "verdict": "block"},
    ]


def test_it_refuses_a_malformed_line(tmp_path: Path, db: None) -> None:
    source = tmp_path / "bad.jsonl"
    source.write_text('{"prompt": "x", "expected": "maybe"}\n', encoding="utf-8")
    with pytest.raises(CommandError, match="expected allow"):
        call_command("moderation_eval", str(source), stdout=StringIO())


def test_it_refuses_to_measure_with_no_enabled_rule(tmp_path: Path) -> None:
    Rule.objects.update(enabled=False)
    with pytest.raises(CommandError, match="No moderation rule is enabled"):
        run(tmp_path)


def test_an_unmigrated_database_gets_advice_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(connection.introspection, "table_names", lambda *a, **k: [])
    with pytest.raises(CommandError, match=r"run `python manage\.py migrate` first"):
        run(tmp_path)


def test_the_shipped_set_is_large_and_labelled() -> None:
    path = Path(__file__).resolve().parent.parent / "moderation" / "eval" / "prompts.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 300
    techniques = {r["technique"] for r in rows if r["expected"] != "allow"}
    assert {
        "confusables",
        "zero_width",
        "combining_marks",
        "leetspeak",
        "repeated_letters",
        "separators",
        "case",
        "fullwidth",
    } <= techniques
