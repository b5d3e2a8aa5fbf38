"""Measure screening on a JSONL set: precision, recall and false-positive rate.

Each input line: {"prompt": ..., "expected": "allow|flag|block"}, optionally with
"category", "technique" and "set". A harmful prompt (expected flag or block) counts as
caught when the verdict is flag or block. Nothing is written to the database.

Rows may name the set they belong to (the held-out rows of the shipped file carry
"set": "heldout-2026-12"): the output then has a per-set table, and `--set NAME`
scores that set's rows alone.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from moderation.models import Rule, Verdict
from moderation.services import screen_assess

VERDICTS = tuple(Verdict.values)  # allow, flag, block
BENIGN = "benign"
NO_SET = "(none)"  # rows that name no set


@dataclass
class Tally:
    tp: int = 0  # harmful, caught
    fn: int = 0  # harmful, allowed
    fp: int = 0  # benign, caught
    tn: int = 0  # benign, allowed

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def fpr(self) -> float | None:
        return self.fp / (self.fp + self.tn) if self.fp + self.tn else None


@dataclass(frozen=True)
class Outcome:
    prompt: str
    expected: str
    verdict: str
    category: str  # the labelled category ("benign" for allow)
    technique: str
    caught_as: str  # the category the screening named, if any
    subset: str  # the row's "set", or NO_SET


def load(path: Path) -> list[dict[str, Any]]:
    rows = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise CommandError(f"{path}:{number}: not JSON ({exc})") from exc
            if not isinstance(row.get("prompt"), str) or row.get("expected") not in VERDICTS:
                raise CommandError(f"{path}:{number}: needs a prompt and expected allow|flag|block")
            if "set" in row and not (isinstance(row["set"], str) and row["set"].strip()):
                raise CommandError(f"{path}:{number}: set, when given, must be a non-empty string")
            rows.append(row)
    return rows


def only_set(rows: list[dict[str, Any]], name: str, *, path: Path) -> list[dict[str, Any]]:
    """The rows of one set; refused before any screening when the file has none of them."""
    chosen = [row for row in rows if row.get("set") == name]
    if not chosen:
        named = sorted({row["set"] for row in rows if "set" in row})
        known = ", ".join(named) if named else "none: no row names a set"
        raise CommandError(f"No row of {path} is in set {name!r}. Sets in this file: {known}.")
    return chosen


def require_rules() -> None:
    """Screening reads its rules from the database: an unmigrated one would crash mid-run."""
    if Rule._meta.db_table not in connection.introspection.table_names():
        raise CommandError(
            "This database has no moderation rules: run `python manage.py migrate` first "
            "(it installs the default rule set)."
        )
    if not Rule.objects.filter(enabled=True).exists():
        raise CommandError(
            "No moderation rule is enabled, so every prompt would be allowed: enable rules "
            "in the admin (Moderation → Rules) or re-run `python manage.py migrate`."
        )


def evaluate(row: dict[str, Any]) -> Outcome:
    assessment = screen_assess(text=row["prompt"])
    harmful = row["expected"] != Verdict.ALLOW
    return Outcome(
        prompt=row["prompt"],
        expected=row["expected"],
        verdict=assessment.verdict,
        category=row.get("category") or ("harmful" if harmful else BENIGN),
        technique=row.get("technique") or "none",
        caught_as=assessment.category,
        subset=row.get("set") or NO_SET,
    )


def tallies(outcomes: list[Outcome]) -> tuple[dict[str, Tally], dict[str, Tally], Tally]:
    """Per labelled category, per technique, and overall.

    A category's false positives are benign prompts the screening put in that
    category; its false-positive rate is over all benign prompts.
    """
    by_category: dict[str, Tally] = defaultdict(Tally)
    by_technique: dict[str, Tally] = defaultdict(Tally)
    overall = Tally()
    benign = [o for o in outcomes if o.expected == Verdict.ALLOW]
    for outcome in outcomes:
        if outcome.expected == Verdict.ALLOW:
            continue
        caught = outcome.verdict != Verdict.ALLOW
        for tally in (by_category[outcome.category], by_technique[outcome.technique], overall):
            tally.tp += caught
            tally.fn += not caught
    for outcome in benign:
        caught = outcome.verdict != Verdict.ALLOW
        overall.fp += caught
        overall.tn += not caught
        by_technique[outcome.technique].fp += caught
        by_technique[outcome.technique].tn += not caught
    for name, tally in by_category.items():
        tally.fp = sum(o.verdict != Verdict.ALLOW and o.caught_as == name for o in benign)
        tally.tn = len(benign) - tally.fp
    return dict(by_category), dict(by_technique), overall


def set_tallies(outcomes: list[Outcome]) -> dict[str, Tally]:
    """Per set: recall over its harmful rows, false-positive rate over its benign ones."""
    by_set: dict[str, Tally] = defaultdict(Tally)
    for outcome in outcomes:
        tally = by_set[outcome.subset]
        caught = outcome.verdict != "allow"
        if outcome.expected == "allow":
            tally.fp += caught
            tally.tn += not caught
        else:
            tally.tp += caught
            tally.fn += not caught
    return dict(by_set)


def fmt(value: float | None) -> str:
    return "   -  " if value is None else f"{value:6.3f}"


class Command(BaseCommand):
    help = "Screen every prompt of a JSONL file and print precision, recall and FPR."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--out", type=Path, help="write one JSON line per prompt here")
        parser.add_argument(
            "--set",
            dest="subset",
            metavar="NAME",
            help='score only the rows whose "set" is NAME (e.g. heldout-2026-12)',
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(f"{path} does not exist")
        rows = load(path)
        if options["subset"]:
            chosen = only_set(rows, options["subset"], path=path)
            self.stdout.write(f"scoring set {options['subset']}: {len(chosen)} of {len(rows)} rows")
            rows = chosen
        require_rules()
        outcomes = [evaluate(row) for row in rows]
        by_category, by_technique, overall = tallies(outcomes)
        self._table("category", by_category, overall)
        self._table("technique", by_technique, overall)
        if any("set" in row for row in rows):
            self._table("set", set_tallies(outcomes), overall, whole=True)
        self._mistakes(outcomes)
        if options["out"]:
            self._write(options["out"], outcomes)

    def _table(
        self, label: str, rows: dict[str, Tally], overall: Tally, *, whole: bool = False
    ) -> None:
        out: TextIO = self.stdout  # type: ignore[assignment]
        out.write(
            f"\n{label:<20} {'n':>5} {'TP':>4} {'FN':>4} {'FP':>4} "
            f"{'precision':>9} {'recall':>7} {'FPR':>7}\n"
        )
        for name in sorted(rows):
            self._line(name, rows[name], whole=whole)
        self._line("overall", overall)

    def _line(self, name: str, t: Tally, *, whole: bool = False) -> None:
        # n counts harmful rows, except for rows that stand for whole sets of prompts.
        whole = whole or name in (BENIGN, "overall")
        n = t.tp + t.fn + t.fp + t.tn if whole else t.tp + t.fn
        self.stdout.write(
            f"{name:<20} {n:>5} {t.tp:>4} {t.fn:>4} {t.fp:>4} "
            f"{fmt(t.precision):>9} {fmt(t.recall):>7} {fmt(t.fpr):>7}"
        )

    def _mistakes(self, outcomes: list[Outcome]) -> None:
        missed = [o for o in outcomes if o.expected != Verdict.ALLOW and o.verdict == Verdict.ALLOW]
        wrong = [o for o in outcomes if o.expected == Verdict.ALLOW and o.verdict != Verdict.ALLOW]
        self.stdout.write(f"\nmissed harmful: {len(missed)}   caught benign: {len(wrong)}")
        for o in wrong:
            self.stdout.write(f"  FP [{o.verdict}/{o.caught_as}] {o.prompt}")
        for o in missed:
            self.stdout.write(f"  FN [{o.category}/{o.technique}] {o.prompt!a}")

    def _write(self, path: Path, outcomes: list[Outcome]) -> None:
        with path.open("w", encoding="utf-8") as handle:
            for o in outcomes:
                handle.write(
                    json.dumps({"prompt": o.prompt, "verdict": o.verdict}, ensure_ascii=False)
                    + "\n"
                )
        self.stdout.write(f"\nwrote {len(outcomes)} lines to {path}")
