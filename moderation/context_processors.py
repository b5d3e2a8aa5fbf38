"""Every page a moderator sees: how much waits for review, for the header and the admin."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from moderation.models import Report, ReviewStatus, Screening

REVIEW_PERMISSION = "moderation.review"


def pending_review_count() -> int:
    held = Screening.objects.filter(review_status=ReviewStatus.PENDING).count()
    return held + Report.objects.filter(status=Report.Status.OPEN).count()


def review_inbox(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.has_perm(REVIEW_PERMISSION):
        return {}
    return {"pending_reviews": SimpleLazyObject(pending_review_count)}
