"""Shared by the access commands: find the account an operator names by email."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.management.base import CommandError


def user_by_email(email: str) -> User:
    users = list(get_user_model().objects.filter(email__iexact=(email or "").strip())[:2])
    if not users:
        raise CommandError(f"No account has the email address {email!r}.")
    if len(users) > 1:
        raise CommandError(f"Several accounts share {email!r}: use the admin instead.")
    return users[0]
