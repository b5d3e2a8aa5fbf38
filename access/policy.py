"""One question other apps ask access: may this person generate now?

The access issue grows this (site pause, revocation, quotas); callers already
go through this single function, so they will not change.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""
    code: str = ""
    retry_after: int | None = None


ALLOWED = Decision(allowed=True)


def generation_decision(user: AbstractBaseUser | AnonymousUser) -> Decision:
    if not user.is_authenticated:
        return Decision(False, "Sign in to create videos.", "not_authenticated")
    if not user.is_active:
        return Decision(False, "Your access to this studio has been revoked.", "revoked")
    return ALLOWED
