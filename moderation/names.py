"""Where a prompt names a real person: full names, titles, and the staff's protected names.

A person is named when
- a protected name (Moderation -> Protected names, staff-edited; a default list of
  often-targeted public figures ships with migration 0008) appears as words, or
- a common first name is followed by a common last name, in any case ("emma watson"),
  unless both are everyday English words ("summer rain", "rose gold"), or
- a common first name is followed by a capitalised word that is no everyday word
  ("Emma Okonkwo"), or
- a title is followed by a name ("President Macron", "Senator Warren", "Mr. Bean",
  "queen elizabeth"; "president obama" too, since "obama" is no everyday word).

A first name alone is not a person here: "Taylor's birthday party", "a rose garden"
and "Summer rain" are ordinary prompts. Nor is a name given as an art style ("in
the style of Egon Schiele", "Goya-style"): the artist is not the subject. Only rules
of kind "name" read these spans: a name is harmless until it meets a sexual or
violent context.

The first and last names (names-dataset) and the everyday words (SCOWL) come from
moderation/data/person_names.json.gz, built by `moderation/names_build.py` and
loaded once per process.
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

from moderation.normalise import View, leet_regex, normalise_term

DATA = Path(__file__).with_name("data") / "person_names.json.gz"
WORD = re.compile(r"[a-z]+")
GAP = re.compile(r"[ .\-]?")  # between first and last name: "emma watson", "emma-watson"
TITLE_GAP = re.compile(r"\.? ?")  # "President Macron", "Mr. Bean", "mr.bean"
# Titles that name the person who follows (normalised: "chancelor", "princes").
TITLES = frozenset(
    {
        "president",
        "senator",
        "governor",
        "congresman",
        "congreswoman",
        "chancelor",
        "mayor",
        "minister",
        "premier",
        "chairman",
        "pope",
        "king",
        "queen",
        "prince",
        "princes",
        "emperor",
        "empres",
        "tsar",
        "czar",
        "sheikh",
        "ayatolah",
        "mr",
        "mrs",
        "ms",
        "dr",
        "sir",
        "dame",
        "lord",
        "lady",
    }
)
# A name given as an art style, not a subject: "in the style of Egon Schiele",
# "painted by Goya", "Goya-style".
STYLE_BEFORE = (
    r"(?:style|manner|school|fashion)[\W_]+of[\W_]+(?:the[\W_]+)?$"
    r"|(?:painted|drawn|photographed|directed|ilustrated|sculpted|inspired|art|artwork"
    r"|painting|photo|photograph|drawing|print|etching|engraving|film|movie)[\W_]+by[\W_]+$"
)
STYLE_AFTER = r"^(?:[\W_]*(?:style|esque|inspired)\b|[\W_]*s[\W_]+style\b)"
STYLE_CONTEXT = 40  # characters read either side of a name for a style phrase
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
    words: frozenset[str]  # everyday English words ("rain", "swift", "wil")


def _leet(term: str) -> str:
    """The leet view's form of a plain normalised term ("l" reads as "i")."""
    return re.sub(r"i+", "i", term.replace("l", "i"))


@cache
def name_lists(*, leet: bool) -> NameLists:
    with gzip.open(DATA, "rt", encoding="utf-8") as handle:
        payload = json.load(handle)
    first, last, words = payload["first"], payload["last"], payload["words"]
    if leet:
        first, last, words = ([_leet(n) for n in group] for group in (first, last, words))
    return NameLists(
        frozenset(first) - NOT_NAMES, frozenset(last) - NOT_NAMES, frozenset(words) | NOT_NAMES
    )


@dataclass(frozen=True)
class Protected:
    """A protected name, in the forms the plain and leet views show it."""

    plain: tuple[str, ...]
    leet: tuple[str, ...]

    @classmethod
    def of(cls, names: Iterable[str]) -> Protected:
        return _protected(tuple(sorted(names)))


@cache
def _protected(names: tuple[str, ...]) -> Protected:
    """Normalising every protected name on every screening would dominate its cost."""
    plain = sorted({normalise_term(n) for n in names if normalise_term(n).strip()})
    return Protected(tuple(plain), tuple(sorted({_leet(n) for n in plain})))


NO_PROTECTED = Protected((), ())


@cache
def _protected_regex(names: tuple[str, ...]) -> re.Pattern[str] | None:
    if not names:
        return None
    body = "|".join(r"[\W_]*".join(map(re.escape, n.split())) for n in names)
    # "Obama's" joined up from "O.b.a.m.a.'.s" reads "obamas".
    return re.compile(rf"(?<![a-z0-9])(?:{body})s?(?![a-z0-9])")


def _capitalised(original: str, view: View, start: int) -> bool:
    """Whether the artist wrote this word with a capital letter."""
    first = original[view.spans[start][0] : view.spans[start][1]]
    return first[:1].isupper()


def _full_name(first: str, surname: str, capital: bool, lists: NameLists) -> bool:
    """A first name and the word after it: a person, or two ordinary words?"""
    if first not in lists.first or surname in NOT_NAMES:
        return False
    if first in lists.words and surname in lists.words:
        # "summer rain", "rose gold"; "Will Smith" needs a protected name.
        return False
    return surname in lists.last or (capital and surname not in lists.words)


def _titled_name(title: str, name: str, capitals: tuple[bool, bool], lists: NameLists) -> bool:
    """A title and the word after it: "President Macron", "Mr Musk", not "queen bee"."""
    if title not in TITLES or name in NOT_NAMES or len(name) < 2:
        return False
    if name not in lists.words:
        return True  # "president obama": no everyday word follows a title by chance
    return all(capitals)  # "Mr Musk", "Prince Harry": both written with capitals


@cache
def _style_patterns(leet: bool) -> tuple[re.Pattern[str], re.Pattern[str]]:
    before, after = (leet_regex(p) if leet else p for p in (STYLE_BEFORE, STYLE_AFTER))
    return re.compile(before), re.compile(after)


def _as_style(view: View, start: int, end: int) -> bool:
    """A name given as an art style ("in the style of Egon Schiele", "Goya-style")."""
    before, after = _style_patterns(view.name.startswith("leet"))
    text_before = view.text[max(0, start - STYLE_CONTEXT) : start]
    return bool(before.search(text_before) or after.match(view.text[end : end + STYLE_CONTEXT]))


def person_spans(view: View, *, original: str, protected: Protected) -> list[tuple[int, int]]:
    """[start, end) spans of `view.text` that name a person (art styles left out)."""
    leet = view.name.startswith("leet")
    lists = name_lists(leet=leet)
    spans: list[tuple[int, int]] = []
    pattern = _protected_regex(protected.leet if leet else protected.plain)
    if pattern is not None:
        spans.extend(m.span() for m in pattern.finditer(view.text))
    for this, following in pairwise(WORD.finditer(view.text)):
        between = view.text[this.end() : following.start()]
        capitals = (
            _capitalised(original, view, this.start()),
            _capitalised(original, view, following.start()),
        )
        word, after = this.group(), following.group()
        if (GAP.fullmatch(between) and _full_name(word, after, capitals[1], lists)) or (
            TITLE_GAP.fullmatch(between) and _titled_name(word, after, capitals, lists)
        ):
            spans.append((this.start(), following.end()))
    return [(a, b) for a, b in spans if not _as_style(view, a, b)]
