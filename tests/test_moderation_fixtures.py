"""Helpers shared by the moderation tests. People come from tests/people.py."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from moderation.models import Rule
from tests.people import person_create, totp_enrol

SUBJECT = "tests.thing"  # not generation's: its receivers must not act on these


@pytest.fixture
def staff_without_review(db: None) -> User:
    """Can open the admin (staff flag, TOTP) but holds no moderation permission."""
    user = person_create("stan@example.com", None)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    totp_enrol(user)
    return user


@pytest.fixture
def only_rules(db: None) -> Any:
    """Start from an empty rule table (the shipped defaults are tested on their own)."""
    Rule.objects.all().delete()

    def add(pattern: str, **fields: Any) -> Rule:
        fields.setdefault("category", "gore")
        return Rule.objects.create(pattern=pattern, **fields)

    return add
