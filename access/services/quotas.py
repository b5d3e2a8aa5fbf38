"""Per-person overrides of the daily budget and the concurrent-jobs cap."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from access.audit import audit_record
from access.models import (
    Quota,
)


def _quota_values(quota: Quota | None) -> dict[str, Any]:
    if quota is None:
        return {"daily_seconds": None, "max_concurrent": None}
    return {"daily_seconds": quota.daily_seconds, "max_concurrent": quota.max_concurrent}


def quota_set(
    *,
    user: User,
    daily_seconds: float | None,
    max_concurrent: int | None,
    by: User | None,
    request: HttpRequest | None = None,
) -> Quota:
    """Override one person's limits (None: the site default)."""
    if daily_seconds is not None and daily_seconds < 0:
        raise ValidationError("The daily budget cannot be negative.", code="daily_seconds")
    if max_concurrent is not None and max_concurrent < 0:
        raise ValidationError("Concurrent jobs cannot be negative.", code="max_concurrent")
    with transaction.atomic():
        before = _quota_values(Quota.objects.select_for_update().filter(user=user).first())
        quota, _ = Quota.objects.update_or_create(
            user=user,
            defaults={"daily_seconds": daily_seconds, "max_concurrent": max_concurrent},
        )
        audit_record(
            action="quota.change",
            actor=by,
            target=user.email,
            request=request,
            details={"user": user.pk, "before": before, "after": _quota_values(quota)},
        )
    return quota


def quota_clear(*, user: User, by: User | None, request: HttpRequest | None = None) -> bool:
    """Return a person to the site defaults. False if they had no override."""
    with transaction.atomic():
        quota = Quota.objects.select_for_update().filter(user=user).first()
        if quota is None:
            return False
        before = _quota_values(quota)
        quota.delete()
        audit_record(
            action="quota.change",
            actor=by,
            target=user.email,
            request=request,
            details={"user": user.pk, "before": before, "after": _quota_values(None)},
        )
    return True
