# ruff: noqa: RUF001, F811 - look-alikes on purpose; fixtures are imported
"""Rule kinds, the shipped defaults, and the classifier hook."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from moderation.classifiers import _load
from moderation.models import Rule
from moderation.services import screen_assess, screen_text
from tests.test_moderation_fixtures import SUBJECT, only_rules  # noqa: F401

pytestmark = pytest.mark.django_db


def verdict(text: str) -> str:
    return screen_assess(text=text).verdict


def test_a_whole_word_term_skips_longer_words(only_rules: Any) -> None:
    only_rules("cunt", action="block")
    assert verdict("a foggy morning in Scunthorpe") == "allow"
    assert verdict("you cunt") == "block"


def test_a_substring_term_matches_inside_words(only_rules: Any) -> None:
    only_rules("gore", scope="substring", action="flag")
    assert verdict("a Gore-Tex jacket") == "flag"
    assert verdict("gorgeous views") == "allow"


def test_a_multi_word_term_matches_across_any_separator(only_rules: Any) -> None:
    only_rules("self harm", action="block")
    for text in ["self harm", "self-harm", "selfharm", "SELF_HARM"]:
        assert verdict(text) == "block", text


def test_a_regex_rule_matches_the_normalised_text(only_rules: Any) -> None:
    only_rules(r"\bbehead\w*", kind="regex", action="block")
    assert verdict("B\u0435H\u0435ADING") == "block"  # Cyrillic e, mixed case
    assert verdict("the ship will be heading north") == "allow"


def test_flag_and_block_actions_give_their_verdicts(only_rules: Any) -> None:
    only_rules("lava", action="flag")
    only_rules("magma", action="block")
    assert verdict("lava lamp") == "flag"
    assert verdict("magma and lava") == "block"  # the strictest match decides


def test_a_disabled_rule_never_matches(only_rules: Any) -> None:
    only_rules("magma", action="block", enabled=False)
    assert verdict("magma") == "allow"


def test_a_match_only_without_separators_flags_instead_of_blocking(only_rules: Any) -> None:
    only_rules("nude", action="block", category="sexual_explicit")
    assert verdict("nude") == "block"
    assert verdict("n.u.d.e") == "flag"
    assert verdict("n u d e") == "flag"


def test_the_stored_span_is_in_the_original_text(only_rules: Any, alice: Any) -> None:
    rule = only_rules("nude", action="flag", category="sexual_explicit")
    text = "a ｎ\u200bｕｄｅ figure"
    screening = screen_text(text=text, submitter=alice, subject_type=SUBJECT, subject_id=1)
    [match] = screening.matches
    assert (match["rule_id"], text[match["start"] : match["end"]]) == (rule.pk, "ｎ\u200bｕｄｅ")


def test_rule_validation_refuses_broken_or_impossible_regexes() -> None:
    for pattern in [r"(unclosed", r"a*", r"\bkill\b"]:
        with pytest.raises(ValidationError):
            Rule(pattern=pattern, kind="regex", category="gore", action="flag").full_clean()
    Rule(pattern=r"\bkil\b", kind="regex", category="gore", action="flag").full_clean()


@pytest.mark.parametrize(
    "text",
    [
        "naked tree branches against a winter sky",
        "shooting stars over a desert campsite",
        "the execution of a perfect dive",
        "a foggy morning in Scunthorpe",
        "a killer whale breaching",
        "kids playing football in the park",
        "nude lipstick swatches",
        "Al Gore giving a speech",
        "a suicide squeeze play in a baseball game",
    ],
)
def test_default_rules_let_innocent_uses_of_tricky_words_pass(text: str) -> None:
    assert verdict(text) == "allow"


@pytest.mark.parametrize(
    ("text", "expected", "category"),
    [
        ("explicit video of underage teens", "block", "minors_sexual"),
        ("a woman being r\u0430ped", "block", "sexual_violence"),
        ("celebrity sex tape", "block", "real_people_sexual"),
        ("bl00dy decapitation", "block", "gore"),
        ("ISIS recruitment video", "block", "extremism"),
        ("step by step suicide instructions", "block", "self_harm"),
        ("glorify the school shooter as a hero", "block", "mass_violence"),
        ("a naked woman posing", "flag", "sexual_explicit"),
    ],
)
def test_default_rules_refuse_each_category(text: str, expected: str, category: str) -> None:
    assessment = screen_assess(text=text)
    assert (assessment.verdict, assessment.category) == (expected, category)


def fake_classifier(*, text: str, normalised: str) -> Mapping[str, float]:
    return {"gore": 0.95 if "volcano" in normalised else 0.6 if "lava" in normalised else 0.1}


def broken_classifier(*, text: str, normalised: str) -> Mapping[str, float]:
    raise RuntimeError("model not loaded")


@pytest.fixture
def classifiers(settings: Any) -> Any:
    _load.cache_clear()

    def use(*paths: str) -> None:
        settings.MODERATION_CLASSIFIERS = list(paths)

    yield use
    _load.cache_clear()


def test_classifier_scores_combine_with_rules(
    classifiers: Any, only_rules: Any, alice: Any
) -> None:
    classifiers(f"{__name__}.fake_classifier")
    assert verdict("a calm meadow") == "allow"
    assert verdict("lava flowing") == "flag"
    screening = screen_text(text="volcano", submitter=alice, subject_type=SUBJECT, subject_id=2)
    assert (screening.verdict, screening.public_category) == ("block", "Graphic gore")
    assert screening.classifier_scores == {f"{__name__}.fake_classifier": {"gore": 0.95}}


def test_a_failing_classifier_holds_the_prompt(classifiers: Any, only_rules: Any) -> None:
    classifiers(f"{__name__}.broken_classifier")
    assert verdict("a calm meadow") == "flag"


def test_no_classifier_is_configured_by_default(settings: Any) -> None:
    assert settings.MODERATION_CLASSIFIERS == []
