"""Builds moderation/data/person_names.json.gz from `names-dataset` and an English word list.

Run (needs the `names-build` extra, about 2 GB of memory and a few minutes, and
an English spelling word list such as Debian's `wamerican` and `wbritish`):

    pip install -e ".[names-build]" && python -m moderation.names_build

The word list tells names that are also everyday words ("rose", "summer", "rain",
"swift") from names that are only names ("emma", "watson"): moderation/names.py
does not read two everyday words in a row as a person ("summer rain"). Only
lowercase entries count, since SCOWL, the source of those lists, capitalises
proper nouns.

Why a derived file: `names-dataset` (MIT) is the maintained source, with first and
last names for 105 countries ranked by frequency, but loading it takes about
2 GB of memory and minutes per process (measured here: 1.9 GB peak, 135 s on a
busy 2-core machine). Screening runs in every web and worker process, so it reads
this small file instead: the most common names of every country, already
normalised the way prompts are.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path
from typing import Any

from moderation.normalise import normalise_term

OUT = Path(__file__).with_name("data") / "person_names.json.gz"
TOP = 1000  # per country (and per gender for first names)
MIN_LENGTH = 3  # "li", "do", "an" are words far more often than names
WORD_LISTS = (Path("/usr/share/dict/american-english"), Path("/usr/share/dict/british-english"))
SCOWL_NOTICE = (
    "Everyday words from SCOWL (Spell Checker Oriented Word Lists), Copyright 2000-2011 "
    "by Kevin Atkinson; permission to use, copy, modify, distribute and sell these word "
    "lists for any purpose is granted without fee provided this notice appears in all copies."
)


def _keep(name: str) -> str | None:
    """The plain normalised form of a Latin-script single-word name, else None."""
    term = normalise_term(name)
    if len(term) < MIN_LENGTH or not term.isascii() or not term.isalpha():
        return None
    return term


def _flatten(top: dict[str, Any]) -> set[str]:
    """{country: {gender: [names]}} or {country: [names]} -> every kept name."""
    names: set[str] = set()
    for per_country in top.values():
        groups = per_country.values() if isinstance(per_country, dict) else [per_country]
        for group in groups:
            names.update(n for n in (_keep(x) for x in group) if n)
    return names


def everyday_words(paths: tuple[Path, ...] = WORD_LISTS) -> set[str]:
    """Lowercase word-list entries, normalised like prompts ("will" -> "wil")."""
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise SystemExit(
            f"word list not found: {', '.join(missing)} (apt-get install wamerican wbritish)"
        )
    words: set[str] = set()
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.isalpha() and line.islower():
                words.add(normalise_term(line))
    return words


def main() -> None:
    # The names-build extra, installed only to rebuild the list.
    from names_dataset import NameDataset  # type: ignore[import-not-found]

    words = everyday_words()
    dataset = NameDataset()
    first = _flatten(dataset.get_top_names(n=TOP, use_first_names=True))
    last = _flatten(dataset.get_top_names(n=TOP, use_first_names=False))
    version = "names-dataset " + __import__("importlib.metadata").metadata.version("names-dataset")
    payload = {
        "source": version,
        "top": TOP,
        "first": sorted(first),
        "last": sorted(last),
        "words_source": "SCOWL via Debian wamerican and wbritish",
        "words_notice": SCOWL_NOTICE,
        "words": sorted(words),
    }
    OUT.parent.mkdir(exist_ok=True)
    with gzip.open(OUT, "wt", encoding="utf-8") as handle:
        json.dump(payload, handle, separators=(",", ":"))
    sys.stdout.write(
        f"{OUT}: {len(first)} first names, {len(last)} last names ({version}), "
        f"{len(words)} everyday words\n"
    )


if __name__ == "__main__":
    main()
