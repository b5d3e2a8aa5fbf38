# ruff: noqa: RUF001 - look-alike characters are the point here
"""Each normalisation step, and that spans point back into the original text."""

from __future__ import annotations

import pytest

from moderation.normalise import normalise, normalise_term


def texts(raw: str) -> dict[str, str]:
    return {view.name: view.text for view in normalise(raw).views}


def test_it_folds_fullwidth_with_nfkc() -> None:
    assert texts("ｎｕｄｅ　ａｒｔ")["plain"] == "nude art"


def test_it_drops_zero_width_and_format_characters() -> None:
    assert texts("n\u200bu\u200dd\u2060e\ufeff s\u00adex")["plain"] == "nude sex"


def test_it_drops_combining_marks() -> None:
    assert texts("n\u0301u\u0308d\u0336e̸")["plain"] == "nude"


def test_it_casefolds() -> None:
    assert texts("NuDE STRASSE Straße")["plain"] == "nude strase strase"


def test_it_maps_confusables_to_a_latin_skeleton() -> None:
    # Cyrillic a, e, o, p, a Greek omicron and a lunate sigma that looks like c.
    assert texts("\u0440\u043ep\u0435 \u03bfn \u03f2\u0430t")["plain"] == "pope on cat"


def test_it_undoes_leetspeak_in_words_but_not_in_numbers() -> None:
    views = texts("n00d 5ex k1ll 4 kids in 1080p")
    assert views["leet"] == "nod sex ki 4 kids in iobop"
    assert views["plain"].startswith("n00d 5ex k1l 4 kids")  # digits never collapse


def test_it_reads_1_and_l_as_one_letter_in_the_leet_view() -> None:
    assert texts("ch11d")["leet"] == texts("child")["leet"] == "chid"


def test_it_collapses_repeated_letters_but_not_digits() -> None:
    assert texts("nuuuude kiiill 1000")["plain"] == "nude kil 1000"


@pytest.mark.parametrize("raw", ["n.u.d.e", "n-u-d-e", "n_u_d_e", "n u d e", "nu.de"])
def test_it_joins_words_spelled_out_with_separators(raw: str) -> None:
    # (A lone letter before "n u d e" would join it too: "a n u d e" reads "anude".)
    views = texts(f"the {raw} scene")
    assert "nude" in views["plain/joined"].split()
    assert "nude" in views["plain/compact"]


def test_it_keeps_ordinary_words_apart_in_the_joined_copy() -> None:
    assert (
        texts("the ship will be heading north")["plain/joined"] == "the ship wil be heading north"
    )


def test_spans_point_at_the_original_characters() -> None:
    raw = "Ａ n\u200bu\u0301d\u0435 one"
    view = normalise(raw).views[0]
    start = view.text.index("nude")
    assert view.original_span(start, start + 4) == (2, 8)
    assert raw[2:8] == "n\u200bu\u0301d\u0435"


def test_terms_are_normalised_the_same_way() -> None:
    assert normalise_term("Self-Harm  KILL") == "self-harm kil"
    assert normalise_term("child", leet=True) == "chid"
