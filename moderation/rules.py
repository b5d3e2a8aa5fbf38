"""Matching the database rules against a normalised text.

A rule of kind "name" is a regular expression for a context (sexual, violent,
humiliating) that counts only within NAME_NEAR characters of a named person
(see moderation/names.py); its match spans both.

A rule applies to every view (plain, leet, and their joined and compact
copies). A match in a full view takes the rule's own action; a match found only
in a copy without separators flags, because joining pieces is a guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from moderation.models import Action, Rule
from moderation.names import NO_PROTECTED, Protected, person_spans
from moderation.normalise import Normalised, View, compact_match_ok, leet_regex, normalise_term

ALNUM = r"[^\W_]"
JOINER = r"[\W_]*"  # "self harm", "self-harm" and "selfharm" are one term
NAME_NEAR = 60  # characters between a person's name and the context, about a sentence


@dataclass(frozen=True)
class RuleSpec:
    """The fields of a Rule that matching needs (cacheable, no database row)."""

    id: int
    pattern: str
    kind: str
    scope: str
    category: str
    action: str

    @classmethod
    def of(cls, rule: Rule) -> RuleSpec:
        return cls(rule.pk, rule.pattern, rule.kind, rule.scope, rule.category, rule.action)


@dataclass(frozen=True)
class Match:
    rule_id: int
    category: str
    action: str  # the action this match earns: the rule's, or flag if only compact
    start: int  # span in the original text
    end: int
    view: str
    normalised: str

    def as_json(self) -> dict[str, object]:
        return {
            "rule_id": self.rule_id,
            "category": self.category,
            "action": self.action,
            "start": self.start,
            "end": self.end,
            "view": self.view,
            "normalised": self.normalised,
        }


def _term_body(term: str, *, compact: bool) -> str:
    words = term.split()
    return ("" if compact else JOINER).join(re.escape(w) for w in words)


@lru_cache(maxsize=4096)
def compile_rule(spec: RuleSpec, view_kind: str) -> re.Pattern[str] | None:
    """The regex for one rule on one kind of view: plain, leet, or either compact."""
    leet = view_kind.startswith("leet")
    compact = view_kind.endswith("compact")
    if spec.kind in (Rule.Kind.REGEX, Rule.Kind.NAME):
        if compact:
            return None  # a regex's spaces and anchors mean nothing without separators
        source = leet_regex(spec.pattern) if leet else spec.pattern
    else:
        source = _term_body(normalise_term(spec.pattern, leet=leet), compact=compact)
        if spec.scope == Rule.Scope.WORD and not compact:
            source = rf"(?<!{ALNUM}){source}(?!{ALNUM})"
    try:
        return re.compile(source, re.IGNORECASE)
    except re.error:
        return None  # Rule.clean refuses these; a row written around it must not crash


def _view_kind(view: View) -> str:
    """Joined copies keep word boundaries, so they use their full view's regex."""
    base = "leet" if view.name.startswith("leet") else "plain"
    return f"{base}/compact" if view.compact else base


def _view_matches(
    spec: RuleSpec, view: View, original: str, protected: Protected
) -> Iterable[tuple[int, int]]:
    pattern = compile_rule(spec, _view_kind(view))
    if pattern is None:
        return
    if spec.kind == Rule.Kind.NAME:
        yield from _name_matches(pattern, view, original, protected)
        return
    whole_word = spec.kind == Rule.Kind.TERM and spec.scope == Rule.Scope.WORD
    for found in pattern.finditer(view.text):
        start, end = found.span()
        if start == end:
            continue
        if view.compact and not compact_match_ok(view, start, end, whole_word=whole_word):
            continue
        yield start, end


def _name_matches(
    pattern: re.Pattern[str], view: View, original: str, protected: Protected
) -> Iterable[tuple[int, int]]:
    """A context match near a person's name: the span covers both."""
    contexts = [m.span() for m in pattern.finditer(view.text) if m.end() > m.start()]
    if not contexts:
        return  # most prompts: no need to look for names at all
    people = person_spans(view, original=original, protected=protected)
    for c_start, c_end in contexts:
        for p_start, p_end in people:
            if p_start - c_end <= NAME_NEAR and c_start - p_end <= NAME_NEAR:
                yield min(c_start, p_start), max(c_end, p_end)


def rule_matches(
    spec: RuleSpec, normalised: Normalised, protected: Protected = NO_PROTECTED
) -> list[Match]:
    """Every place a rule matches, one per original span, full views first."""
    found: dict[tuple[int, int], Match] = {}
    for view in sorted(normalised.views, key=lambda v: (v.joined, v.compact)):
        derived = view.joined or view.compact
        for start, end in _view_matches(spec, view, normalised.original, protected):
            span = view.original_span(start, end)
            if span in found or (derived and _covered(span, found)):
                continue
            action = Action.FLAG if derived else spec.action
            found[span] = Match(
                spec.id, spec.category, action, *span, view.name, view.text[start:end]
            )
    return list(found.values())


def _covered(span: tuple[int, int], found: dict[tuple[int, int], Match]) -> bool:
    return any(a <= span[0] and span[1] <= b for a, b in found)


def matches_find(
    *, normalised: Normalised, rules: Iterable[Rule], protected: Protected = NO_PROTECTED
) -> list[Match]:
    matches: list[Match] = []
    for rule in rules:
        matches.extend(rule_matches(RuleSpec.of(rule), normalised, protected))
    return sorted(matches, key=lambda m: (m.start, m.end, m.rule_id))
