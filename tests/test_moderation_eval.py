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

from moderation.categories import CATEGORIES
from moderation.eval import build_prompts, heldout_2026_12
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


def run(tmp_path: Path, *extra: str, rows: list[dict[str, str]] = ROWS) -> dict[str, list[str]]:
    source = tmp_path / "set.jsonl"
    source.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
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


# The same rows, four of them in a set named "new": l4va flow (TP), magma (FN),
# calm sea (TN) and lava lamp (FP); lava flow (TP) and a hymn (FN) name no set.
IN_NEW = {"l4va flow", "magma", "calm sea", "lava lamp"}
SET_ROWS = [{**r, "set": "new"} if r["prompt"] in IN_NEW else r for r in ROWS]


def test_it_scores_one_set_alone(only_rules: Any, tmp_path: Path) -> None:
    only_rules("lava", action="block", category="gore")
    lines = run(tmp_path, "--set", "new", rows=SET_ROWS)
    assert lines["scoring"] == ["set", "new:", "4", "of", "6", "rows"]
    assert lines["gore"] == ["2", "1", "1", "1", "0.500", "0.500", "0.500"]
    assert "extremism" not in lines  # its only row is outside the set
    assert lines["overall"] == ["4", "1", "1", "1", "0.500", "0.500", "0.500"]
    assert lines["new"] == ["4", "1", "1", "1", "0.500", "0.500", "0.500"]
    assert "(none)" not in lines
    assert Screening.objects.count() == 0


def test_it_reports_each_set_beside_the_rows_that_name_none(
    only_rules: Any, tmp_path: Path
) -> None:
    only_rules("lava", action="block", category="gore")
    lines = run(tmp_path, rows=SET_ROWS)
    assert lines["new"] == ["4", "1", "1", "1", "0.500", "0.500", "0.500"]
    assert lines["(none)"] == ["2", "1", "1", "0", "1.000", "0.500", "-"]
    assert lines["gore"] == ["3", "2", "1", "1", "0.667", "0.667", "0.500"]  # as without sets


def test_a_file_without_sets_prints_no_set_table(only_rules: Any, tmp_path: Path) -> None:
    only_rules("lava", action="block", category="gore")
    lines = run(tmp_path)
    assert "set" not in lines
    assert "(none)" not in lines


def test_an_unknown_set_is_refused_before_screening(only_rules: Any, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"is in set 'nope'.*Sets in this file: new\."):
        run(tmp_path, "--set", "nope", rows=SET_ROWS)
    with pytest.raises(CommandError, match="no row names a set"):
        run(tmp_path, "--set", "nope")


def test_it_refuses_an_empty_set_name(tmp_path: Path, db: None) -> None:
    source = tmp_path / "bad.jsonl"
    source.write_text('{"prompt": "x", "expected": "allow", "set": " "}\n', encoding="utf-8")
    with pytest.raises(CommandError, match=":1: set, when given, must be a non-empty string"):
        call_command("moderation_eval", str(source), stdout=StringIO())


def shipped_rows() -> list[dict[str, str]]:
    path = Path(__file__).resolve().parent.parent / "moderation" / "eval" / "prompts.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_the_shipped_file_is_what_build_prompts_makes() -> None:
    # Regenerating must not change a row, old or held out.
    assert shipped_rows() == build_prompts.rows()


def test_the_heldout_set_covers_every_category_and_technique() -> None:
    held = [r for r in shipped_rows() if r.get("set") == heldout_2026_12.SET_NAME]
    seeds = [r for r in held if r["technique"] == "none" and r["expected"] != "allow"]
    per_category = {
        c: sum(r["category"] == c for r in seeds) for c in {r["category"] for r in seeds}
    }
    # Every category an artist can be told about, bar the fallback label.
    assert set(per_category) == set(CATEGORIES) - {"other"}
    assert all(n >= 12 for n in per_category.values())
    assert min(per_category[c] for c in ("gore", "real_people_sexual", "real_people_abuse")) >= 25
    assert sum(r["expected"] == "allow" for r in held) >= 120
    # Each harmful seed is followed by one variant per technique, same labels.
    techniques = set(build_prompts.TECHNIQUES) | {"none", "mixed"}
    harmful = [r for r in held if r["expected"] != "allow"]
    assert len(harmful) == len(seeds) * len(techniques)
    for start in range(0, len(harmful), len(techniques)):
        group = harmful[start : start + len(techniques)]
        assert group[0]["technique"] == "none"
        assert {r["technique"] for r in group} == techniques
        assert {(r["category"], r["expected"]) for r in group} == {
            (group[0]["category"], group[0]["expected"])
        }


def test_older_rows_name_no_set() -> None:
    rows = shipped_rows()
    older = [r for r in rows if "set" not in r]
    assert len(older) == 1281
    assert rows[: len(older)] == older  # the held-out rows come after them
