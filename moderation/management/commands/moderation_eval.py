"""Measure screening on a JSONL set: precision, recall and false-positive rate.

Each input line: {"prompt": ..., "expected": "allow|flag|block"}, optionally with
"category" and "technique". A harmful prompt (expected flag or block) counts as
caught when the verdict is flag or block. Nothing is written to the database.
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
            rows.append(row)
    return rows


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


def fmt(value: float | None) -> str:
    return "   -  " if value is None else f"{value:6.3f}"


class Command(BaseCommand):
    help = "Screen every prompt of a JSONL file and print precision, recall and FPR."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--out", type=Path, help="write one JSON line per prompt here")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(f"{path} does not exist")
        rows = load(path)
        require_rules()
        outcomes = [evaluate(row) for row in rows]
        by_category, by_technique, overall = tallies(outcomes)
        self._table("category", by_category, overall)
        self._table("technique", by_technique, overall)
        self._mistakes(outcomes)
        if options["out"]:
            self._write(options["out"], outcomes)

    def _table(self, label: str, rows: dict[str, Tally], overall: Tally) -> None:
        out: TextIO = self.stdout  # type: ignore[assignment]
        out.write(
            f"\n{label:<20} {'n':>5} {'TP':>4} {'FN':>4} {'FP':>4} "
            f"{'precision':>9} {'recall':>7} {'FPR':>7}\n"
        )
        for name in sorted(rows):
            self._line(name, rows[name])
        self._line("overall", overall)

    def _line(self, name: str, t: Tally) -> None:
        n = t.tp + t.fn if name not in (BENIGN, "overall") else t.tp + t.fn + t.fp + t.tn
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
