# ruff: noqa: RUF001, RUF002, RUF003 - look-alike characters are the point here
"""Text normalisation for screening: the same prompt, written so that dodges vanish.

Every normalised character remembers which characters of the original text it
came from, so a rule that matches the normalised text can point at the exact
span the artist typed (moderators see it highlighted).

Steps, per character: NFKC (fullwidth and styled letters become plain), NFD and
drop combining marks, drop format / zero-width / control characters, casefold,
and map confusable look-alikes (Cyrillic "а", Greek "ο") to their ASCII skeleton
using Unicode's confusables data from `confusable_homoglyphs`. Then, per view:
leetspeak is undone (in a second view, where "i" and "l" become one letter
because "1" and "|" stand for both), and runs of a repeated letter collapse to
one letter. Rule terms pass
through the same steps, so "kill" in a rule and "kiiill" in a prompt meet as "kil".

Two copies of each view catch words spelled out as "n.u.d.e" or "n u d e": a
joined copy that puts such words back together (see `_joined`) and a compact
copy with no separators at all (see `compact_match_ok` for what counts there).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache

from confusable_homoglyphs.confusables import confusables_data

# Characters that render as nothing but are not in a format/mark category.
INVISIBLE = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800", "\u180e", "\u034f"}
DROPPED_CATEGORIES = {"Mn", "Me", "Mc", "Cf", "Cc", "Co", "Cn", "Cs"}
LEET = {
    "0": "o",
    "3": "e",
    "4": "a",
    "5": "s",
    "7": "t",
    "8": "b",
    "9": "g",
    "@": "a",
    "$": "s",
    "+": "t",
    "€": "e",
    # "1", "|", "!" and a capital "I" each stand for "i" or "l", often both in
    # one word ("ch11d"), so the leet view merges the two letters into "i".
    "1": "i",
    "|": "i",
    "!": "i",
    "l": "i",
}
# Lowercase Greek and Cyrillic letters that read as Latin ones to a person but
# that Unicode's confusables data (deliberately strict) leaves unmapped or maps
# to another non-ASCII letter (Greek "ε" to "ꞓ"): the usual filter dodges.
LOOKALIKES = {
    "β": "b",
    "γ": "y",
    "δ": "d",
    "ε": "e",
    "η": "n",
    "ι": "i",
    "κ": "k",
    "μ": "u",
    "ν": "v",
    "ο": "o",
    "ρ": "p",
    "σ": "o",
    "τ": "t",
    "υ": "u",
    "χ": "x",
    "ω": "w",
    "ϰ": "k",
    "в": "b",
    "г": "r",
    "з": "3",
    "к": "k",
    "м": "m",
    "н": "h",
    "п": "n",
    "т": "t",
    "ш": "w",
    "ь": "b",
    "ѵ": "v",
}
# Spelled-out words: every piece joined in the compact copy must be this short.
COMPACT_MAX_TOKEN = 3


@dataclass(frozen=True)
class View:
    """One normalised reading of the text.

    `spans[i]` is the [start, end) range in the original text that produced
    character i. In a compact view, `tokens[i]` is the index of the word the
    character belonged to before separators were dropped.
    """

    name: str
    text: str
    spans: tuple[tuple[int, int], ...]
    compact: bool = False
    joined: bool = False
    tokens: tuple[int, ...] = ()
    token_lengths: tuple[int, ...] = ()

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        return self.spans[start][0], self.spans[end - 1][1]


@dataclass(frozen=True)
class Normalised:
    text: str  # the fullest reading, stored on the Screening
    views: tuple[View, ...]
    original: str = ""  # what the artist typed (the name rules read its capitals)


@cache
def skeleton_map() -> dict[str, str]:
    """Non-ASCII characters whose confusable twin is an ASCII letter or digit.

    The package's data pairs look-alikes in both directions; letters win over
    digits so that Cyrillic "О" reads as "o", not "0".
    """
    mapping: dict[str, str] = {}
    for char, homoglyphs in confusables_data.items():
        if len(char) != 1 or char.isascii():
            continue
        targets = [h["c"] for h in homoglyphs if len(h["c"]) == 1 and h["c"].isascii()]
        targets = [t for t in targets if t.isalnum()]
        if targets:
            targets.sort(key=lambda t: (not t.isalpha(), t))
            mapping[char] = targets[0].lower()
    return mapping


def _is_dropped(char: str) -> bool:
    return char in INVISIBLE or unicodedata.category(char) in DROPPED_CATEGORIES


def _skeleton_char(char: str) -> str:
    """One original character as plain lowercase text (possibly empty or longer)."""
    if char.isspace():
        return " "
    skeleton = skeleton_map()
    # The confusable map first: NFKC would turn some look-alikes into other
    # letters (lunate sigma "ϲ", which looks like "c", becomes "σ").
    char = skeleton.get(char, char)
    out = []
    for piece in unicodedata.normalize("NFD", unicodedata.normalize("NFKC", char)):
        if _is_dropped(piece):
            continue
        if piece.isspace():
            out.append(" ")
            continue
        for folded in skeleton.get(piece, piece).casefold():
            folded = skeleton.get(folded, folded)
            out.append(LOOKALIKES.get(folded, folded))
    return "".join(out)


def _skeleton(text: str) -> list[tuple[str, int, int]]:
    """(character, original start, original end) after the per-character steps."""
    chars: list[tuple[str, int, int]] = []
    for index, char in enumerate(text):
        for piece in _skeleton_char(char):
            chars.append((piece, index, index + 1))
    return chars


def _token_has_letter(chars: list[tuple[str, int, int]], start: int, end: int) -> bool:
    return any(c.isalpha() for c, _, _ in chars[start:end])


def _leet(chars: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Undo leetspeak inside words that contain a letter ("n00d"), not in "12" or "4k"."""
    out = list(chars)
    start = 0
    while start < len(out):
        end = start
        while end < len(out) and out[end][0] != " ":
            end += 1
        if _token_has_letter(chars, start, end):
            for i in range(start, end):
                char, a, b = out[i]
                out[i] = (LEET.get(char, char), a, b)
        start = end + 1
    return out


def _collapse(chars: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Runs of one repeated letter become one letter: "nuuude" -> "nude", "kill" -> "kil"."""
    out: list[tuple[str, int, int]] = []
    for char, start, end in chars:
        if out and char.isalpha() and out[-1][0] == char:
            out[-1] = (char, out[-1][1], end)
        else:
            out.append((char, start, end))
    return out


def _squeeze_spaces(chars: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    out: list[tuple[str, int, int]] = []
    for item in chars:
        if item[0] == " " and (not out or out[-1][0] == " "):
            continue
        out.append(item)
    if out and out[-1][0] == " ":
        out.pop()
    return out


def _view(name: str, chars: list[tuple[str, int, int]]) -> View:
    return View(
        name=name,
        text="".join(c for c, _, _ in chars),
        spans=tuple((a, b) for _, a, b in chars),
    )


def _compact(view: View) -> View:
    """The view without separators; each kept character remembers its word."""
    text, spans, tokens, lengths = [], [], [], []
    token = -1
    in_word = False
    for char, span in zip(view.text, view.spans, strict=True):
        if not char.isalnum():
            in_word = False
            continue
        if not in_word:
            token += 1
            lengths.append(0)
            in_word = True
        text.append(char)
        spans.append(span)
        tokens.append(token)
        lengths[token] += 1
    return View(
        name=f"{view.name}/compact",
        text="".join(text),
        spans=tuple(spans),
        compact=True,
        tokens=tuple(tokens),
        token_lengths=tuple(lengths),
    )


def _joined(view: View) -> View:
    """The view with spelled-out words put back together, other spaces kept.

    Pieces join across separators without a space ("n.u.d.e", "nu-de") and
    across single spaces between single letters ("n u d e"). Rules, regular
    expressions included, read this copy with ordinary word boundaries.
    """
    chars = list(zip(view.text, view.spans, strict=True))
    out: list[tuple[str, tuple[int, int]]] = []
    i = 0
    while i < len(chars):
        char, span = chars[i]
        if char.isalnum():
            if char.isalpha() and out and out[-1][0] == char:  # joining can make new runs
                out[-1] = (char, (out[-1][1][0], span[1]))
            else:
                out.append((char, span))
            i += 1
            continue
        j = i
        while j < len(chars) and not chars[j][0].isalnum():
            j += 1
        gap = "".join(c for c, _ in chars[i:j])
        if not (out and j < len(chars) and _joins(view.text, i, j, gap)):
            out.append((" ", span))
        i = j
    return View(
        name=f"{view.name}/joined",
        text="".join(c for c, _ in out),
        spans=tuple(s for _, s in out),
        joined=True,
    )


def _joins(text: str, gap_start: int, gap_end: int, gap: str) -> bool:
    if " " not in gap:
        return True
    # Both neighbours must be letters standing alone between spaces: "n u d e".
    single_before = gap_start < 2 or text[gap_start - 2] == " "
    single_after = gap_end + 1 >= len(text) or text[gap_end + 1] == " "
    return gap == " " and single_before and single_after


def compact_match_ok(view: View, start: int, end: int, *, whole_word: bool) -> bool:
    """A compact-copy match counts only if it joins two or more short pieces.

    "n u d e" and "nu.de" join one-to-three-letter pieces; "grape stomping" or
    "be heading" would need a long word cut in two, and so do not count.
    A whole-word match must also start and end where pieces start and end.
    """
    first, last = view.tokens[start], view.tokens[end - 1]
    if first == last:
        return False
    if any(view.token_lengths[t] > COMPACT_MAX_TOKEN for t in range(first, last + 1)):
        return False
    if not whole_word:
        return True
    starts_word = start == 0 or view.tokens[start - 1] != first
    ends_word = end == len(view.text) or view.tokens[end] != last
    return starts_word and ends_word


def normalise(text: str) -> Normalised:
    chars = _squeeze_spaces(_skeleton(text))
    plain = _view("plain", _collapse(chars))
    leet = _view("leet", _collapse(_leet(chars)))
    full = (plain, leet)
    return Normalised(
        text=plain.text,
        views=(*full, *(_joined(v) for v in full), *(_compact(v) for v in full)),
        original=text,
    )


def normalise_term(term: str, *, leet: bool = False) -> str:
    """A rule term as the plain view (or, with leet, the leet view) would show it.

    Terms are not leet-decoded: "4k" in a rule means "4k". The leet form only
    merges "l" into "i" as the leet view does.
    """
    chars = _squeeze_spaces(_skeleton(term))
    if leet:
        chars = [("i" if c == "l" else c, a, b) for c, a, b in chars]
    return "".join(c for c, _, _ in _collapse(chars))


def leet_regex(pattern: str) -> str:
    """A regex written for the plain view, adjusted for the leet view.

    Literal "l" becomes "i" and the "ii" that can leave collapses, as the leet
    view's text does. Escapes (a letter after a backslash) are left alone.
    """
    out: list[str] = []
    escaped = False
    for char in pattern:
        if escaped:
            out.append(char)
            escaped = False
            continue
        escaped = char == "\\"
        char = "i" if char == "l" else char
        if char == "i" and out and out[-1] == "i" and (len(out) < 2 or out[-2] != "\\"):
            continue
        out.append(char)
    return "".join(out)
