"""Where a prompt names a real person: full names, and the staff's protected names.

A person is named when
- a protected name (Moderation -> Protected names, staff-edited) appears as words, or
- a common first name is followed by a common last name ("emma watson"), or
- a common first name is followed by a word the artist capitalised ("Elon Musk").

A first name alone is not a person here: "Taylor's birthday party", "a rose garden"
and "Summer rain" are ordinary prompts. Only rules of kind "name" read these spans:
a name is harmless until it meets a sexual or violent context.

The first and last names come from moderation/data/person_names.json.gz (built from
the `names-dataset` package by `moderation/names_build.py`), loaded once per process.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path

from moderation.normalise import View, normalise_term

DATA = Path(__file__).with_name("data") / "person_names.json.gz"
WORD = re.compile(r"[a-z]+")
GAP = re.compile(r"[ .\-]?")  # between first and last name: "emma watson", "emma-watson"
# Everyday words that some country's lists hold as names: never a name part here.
# Normalised forms (repeated letters collapsed: "wil" is "will").
NOT_NAMES = frozenset(
    {
        "and",
        "the",
        "with",
        "from",
        "for",
        "of",
        "in",
        "on",
        "at",
        "is",
        "are",
        "was",
        "his",
        "her",
        "its",
        "our",
        "you",
        "al",
        "not",
        "but",
        "one",
        "two",
        "see",
        "sun",
        "day",
        "men",
        "man",
        "boy",
        "girl",
        "son",
        "art",
        "can",
        "may",
        "wil",
    }
)


@dataclass(frozen=True)
class NameLists:
    first: frozenset[str]
    last: frozenset[str]


def _leet(term: str) -> str:
    """The leet view's form of a plain normalised term ("l" reads as "i")."""
    return re.sub(r"i+", "i", term.replace("l", "i"))


@cache
def name_lists(*, leet: bool) -> NameLists:
    with gzip.open(DATA, "rt", encoding="utf-8") as handle:
        payload = json.load(handle)
    first, last = payload["first"], payload["last"]
    if leet:
        first, last = [_leet(n) for n in first], [_leet(n) for n in last]
    return NameLists(frozenset(first) - NOT_NAMES, frozenset(last) - NOT_NAMES)


@dataclass(frozen=True)
class Protected:
    """A protected name, in the forms the plain and leet views show it."""

    plain: tuple[str, ...]
    leet: tuple[str, ...]

    @classmethod
    def of(cls, names: Iterable[str]) -> Protected:
        plain = sorted({normalise_term(n) for n in names if normalise_term(n).strip()})
        return cls(tuple(plain), tuple(sorted({_leet(n) for n in plain})))


NO_PROTECTED = Protected((), ())


@cache
def _protected_regex(names: tuple[str, ...]) -> re.Pattern[str] | None:
    if not names:
        return None
    body = "|".join(r"[\W_]*".join(map(re.escape, n.split())) for n in names)
    return re.compile(rf"(?<![a-z0-9])(?:{body})(?![a-z0-9])")


def _capitalised(original: str, view: View, start: int) -> bool:
    """Whether the artist wrote this word with a capital letter."""
    first = original[view.spans[start][0] : view.spans[start][1]]
    return first[:1].isupper()


def person_spans(view: View, *, original: str, protected: Protected) -> list[tuple[int, int]]:
    """[start, end) spans of `view.text` that name a person."""
    leet = view.name.startswith("leet")
    lists = name_lists(leet=leet)
    spans: list[tuple[int, int]] = []
    pattern = _protected_regex(protected.leet if leet else protected.plain)
    if pattern is not None:
        spans.extend(m.span() for m in pattern.finditer(view.text))
    words = list(WORD.finditer(view.text))
    for this, following in pairwise(words):
        if this.group() not in lists.first or following.group() in NOT_NAMES:
            continue
        if not GAP.fullmatch(view.text[this.end() : following.start()]):
            continue
        surname = following.group()
        if surname in lists.last or _capitalised(original, view, following.start()):
            spans.append((this.start(), following.end()))
    return spans
