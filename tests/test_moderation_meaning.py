# ruff: noqa: RUF001, F811 - look-alikes on purpose; fixtures are imported
"""The meaning rules (plain descriptions), where art ends, and the real-people rules."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from moderation.models import ProtectedName, Rule
from moderation.names import name_lists
from moderation.services import screen_assess
from tests.test_moderation_fixtures import only_rules  # noqa: F401

pytestmark = pytest.mark.django_db


def assess(text: str) -> tuple[str, str]:
    a = screen_assess(text=text)
    return a.verdict, a.category


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Gore without the word.
        ("a man stabbing another man, blood everywhere", ("block", "gore")),
        ("his intestines hanging out on the floor", ("block", "gore")),
        ("a face slashed open", ("block", "gore")),
        ("sawing through a woman's torso", ("block", "gore")),
        # Violence against a person, no injury described: a person decides.
        ("a man stabbing another man", ("flag", "gore")),
        ("a gang beating up a stranger", ("flag", "gore")),
        # Extremism with no group named.
        ("take up arms for the caliphate", ("block", "extremism")),
        ("glory to the martyrs who bombed the station", ("block", "extremism")),
        ("kill all the infidels", ("block", "extremism")),
        # Mass violence no rule names.
        ("a man opening fire on the crowd", ("block", "mass_violence")),
        ("ramming a van into pedestrians", ("block", "mass_violence")),
        ("detonating a bomb inside a crowded stadium", ("block", "mass_violence")),
        ("he killed as many people as he could", ("block", "mass_violence")),
    ],
)
def test_plain_descriptions_are_caught_by_what_they_describe(
    text: str, expected: tuple[str, str]
) -> None:
    assert assess(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "soldiers storming a trench in a World War I battle",
        "two samurai duelling in the rain",
        "a zombie horde in a ruined city, horror film",
        "fake blood on a horror film set",
        "a surgeon stitching a wound in an operating theatre",
        "a butcher cutting through a rack of lamb",
        "a film crew shooting a crowd scene at a festival",
        "a bath bomb in a crowded bathroom shelf display",
        "a recruitment fair for nurses",
        "a memorial honouring the victims of the bombing",
        "join our choir",
        "a bodybuilder with ripped arms",
    ],
)
def test_art_and_everyday_prompts_pass(text: str) -> None:
    assert assess(text) == ("allow", "")


def test_graphic_violence_in_a_war_scene_is_held_not_refused() -> None:
    """The line README draws: war is allowed; asking for graphic violence goes to a person."""
    assert assess("soldiers shooting at each other") == ("allow", "")
    assert assess("soldiers shooting at each other, graphic violence") == ("flag", "gore")


def test_every_shipped_expression_passes_the_admin_form_checks() -> None:
    for rule in Rule.objects.exclude(kind="term"):
        rule.full_clean()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Emma Watson naked", ("block", "real_people_sexual")),
        ("a sexy photo of Scarlett Johansson", ("block", "real_people_sexual")),
        ("Donald Trump in lingerie", ("block", "real_people_sexual")),
        ("Angela Merkel being tortured", ("block", "real_people_abuse")),
        ("Joe Biden beaten up and humiliated", ("flag", "real_people_abuse")),
    ],
)
def test_a_name_next_to_a_sexual_or_violent_context_is_refused_or_held(
    text: str, expected: tuple[str, str]
) -> None:
    assert assess(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Emma W4ts0n n4k3d",  # leetspeak
        "Εmma Wаtson nаked",  # Greek and Cyrillic look-alikes
        "E\u200bmma Watson na\u200bked",  # zero-width
        "Emmma Waaatson naaaked",  # repeated letters
        "ＥＭＭＡ ＷＡＴＳＯＮ ＮＡＫＥＤ",  # fullwidth (both names are on the lists)
    ],
)
def test_the_name_rule_reads_every_spelling_the_normaliser_handles(text: str) -> None:
    assert assess(text) == ("block", "real_people_sexual")


@pytest.mark.parametrize(
    "text",
    [
        "a portrait of Abraham Lincoln",
        "Taylor's birthday party",
        "Emma Watson reading in a library",
        "a documentary about the assassination of Abraham Lincoln",
        "a nude lipstick inspired by Selena Gomez",
        "a rose garden at dawn, naked branches",
        "Jack and Jill went up the hill",
    ],
)
def test_ordinary_prompts_with_names_pass(text: str) -> None:
    assert assess(text) == ("allow", "")


def test_a_protected_name_is_recognised_in_any_spelling() -> None:
    # A local figure known by one word that is on no list and no shipped default.
    assert assess("Vantrel naked") == ("allow", "")
    ProtectedName.objects.create(name="Vantrel")
    assert assess("Vantrel naked") == ("block", "real_people_sexual")
    assert assess("V4ntr3l n4k3d") == ("block", "real_people_sexual")
    assert assess("a portrait of Vantrel") == ("allow", "")


def test_a_disabled_protected_name_is_ignored() -> None:
    ProtectedName.objects.create(name="Qwylla Brennock", enabled=False)
    assert assess("qwylla brennock naked") == ("allow", "")


def test_a_protected_name_that_normalises_to_nothing_is_refused() -> None:
    with pytest.raises(ValidationError):
        ProtectedName(name="\u200b").full_clean()


def test_name_rules_are_rules_staff_can_change(only_rules: Any) -> None:
    only_rules(r"\bdancing\b", kind="name", action="flag", category="real_people_abuse")
    assert assess("Emma Watson dancing") == ("flag", "real_people_abuse")
    assert assess("a bear dancing") == ("allow", "")


def test_the_names_are_loaded_once_per_process() -> None:
    name_lists(leet=False)
    for _ in range(100):
        name_lists(leet=False)
    assert name_lists.cache_info().hits >= 100
    assert len(name_lists(leet=False).first) > 10_000
