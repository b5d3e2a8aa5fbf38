"""One question other apps ask access: may this person generate now?

Callers pass what they know (the seconds of video asked for, the person's usage,
which only generation can count); access adds what it knows (revocation, the site
pause, quotas, the submission rate). Every refusal carries a stable `code` for
the API (an ErrorCode, which also gives its HTTP status) and a `reason` written
for the person refused.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

from access.errors import ErrorCode
from access.metrics import QUOTA_REFUSALS
from access.models import Quota
from access.roles import is_staff_member
from access.selectors import site_state

PAUSE_RETRY_AFTER = 60
QUOTA_RESETS = "resets at midnight UTC"  # said by the refusal and by the create page
RATE_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE_PATTERN = re.compile(r"^\s*(\d+)\s*/\s*([smhd])\s*$")


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""
    code: ErrorCode | None = None  # set on every refusal
    retry_after: int | None = None

    @property
    def status(self) -> int:
        """The HTTP status that answers this decision (README, "JSON API v1")."""
        return self.code.status if self.code else 200


@dataclass(frozen=True)
class Usage:
    """What generation counts for one person: unfinished jobs, and seconds of video
    submitted since midnight UTC."""

    active_jobs: int
    seconds_today: float


@dataclass(frozen=True)
class Limits:
    daily_seconds: float
    max_concurrent: int


ALLOWED = Decision(allowed=True)


def generation_decision(
    user: AbstractBaseUser | AnonymousUser,
    *,
    requested_seconds: float = 0.0,
    usage: Usage | None = None,
    requested_jobs: int = 1,
) -> Decision:
    """Whether `user` may generate now.

    Without `usage` this answers "may this person's work run at all" (the worker's
    re-check): revocation and pause only. With `usage` it is a submission: quota,
    concurrency and the rate limit apply too, and an allowed submission counts
    against the rate limit.
    """
    refusal = _standing_refusal(user)
    if refusal is not None or usage is None or isinstance(user, AnonymousUser):
        return refusal or ALLOWED
    limits = limits_for(user)
    refusal = (
        _quota_refusal(limits, usage, requested_seconds)
        or _concurrency_refusal(limits, usage, requested_jobs)
        or _rate_refusal(user)
    )
    if refusal is None:
        return ALLOWED
    QUOTA_REFUSALS.labels(code=refusal.code).inc()
    return refusal


def generation_blocker(user: AbstractBaseUser, *, usage: Usage) -> Decision | None:
    """Why this person cannot submit anything right now (revoked, paused, at the
    concurrency cap), for the create form to say before they try; None when they
    can. Unlike generation_decision it counts nothing against the rate limit."""
    return _standing_refusal(user) or _concurrency_refusal(limits_for(user), usage, 1)


def _standing_refusal(user: AbstractBaseUser | AnonymousUser) -> Decision | None:
    if not user.is_authenticated:
        return Decision(False, "Sign in to create videos.", ErrorCode.NOT_AUTHENTICATED)
    if not user.is_active:
        return Decision(False, "Your access to this studio has been revoked.", ErrorCode.REVOKED)
    state = site_state()
    if state.paused and not is_staff_member(user):  # type: ignore[arg-type]
        reason = f"The studio is paused: {state.reason} Please try again later."
        return Decision(False, reason, ErrorCode.PAUSED, PAUSE_RETRY_AFTER)
    return None


def limits_for(user: AbstractBaseUser) -> Limits:
    """The site defaults, with this person's overrides (the Quota row) on top."""
    quota = Quota.objects.filter(user_id=user.pk).first()
    daily = quota.daily_seconds if quota and quota.daily_seconds is not None else None
    concurrent = quota.max_concurrent if quota and quota.max_concurrent is not None else None
    return Limits(
        daily_seconds=settings.QUOTA_DAILY_SECONDS if daily is None else daily,
        max_concurrent=settings.QUOTA_MAX_CONCURRENT if concurrent is None else concurrent,
    )


def quota_remaining(user: AbstractBaseUser, *, seconds_today: float) -> float:
    """Seconds of video this person may still submit today (UTC), never negative."""
    return _seconds_left(limits_for(user), seconds_today)


def _seconds_left(limits: Limits, seconds_today: float) -> float:
    return max(0.0, limits.daily_seconds - seconds_today)


def quota_day_start(now: datetime | None = None) -> datetime:
    """This midnight UTC: what was submitted since counts against the daily budget."""
    now = now or datetime.now(UTC)
    return now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def quota_resets_at(now: datetime | None = None) -> datetime:
    """The next midnight UTC, when every daily budget starts again."""
    return quota_day_start(now) + timedelta(days=1)


def _quota_refusal(limits: Limits, usage: Usage, requested: float) -> Decision | None:
    left = _seconds_left(limits, usage.seconds_today)
    if requested <= left and left > 0:
        return None
    now = datetime.now(UTC)
    resets = quota_resets_at(now)
    wait = max(1, int((resets - now).total_seconds()))
    reason = (
        f"This would use {requested:g} s of video, but you have {left:g} s left of your "
        f"{limits.daily_seconds:g} s daily budget. It {QUOTA_RESETS} (in {_duration(wait)})."
    )
    return Decision(False, reason, ErrorCode.QUOTA, wait)


def _concurrency_refusal(limits: Limits, usage: Usage, requested_jobs: int) -> Decision | None:
    if usage.active_jobs + requested_jobs <= limits.max_concurrent:
        return None
    reason = (
        f"You can have {limits.max_concurrent} unfinished job(s) at once and already have "
        f"{usage.active_jobs}. Wait for one to finish, or cancel one."
    )
    return Decision(False, reason, ErrorCode.CONCURRENCY)


def submit_rate() -> tuple[int, int]:
    """SUBMIT_RATE as (submissions, window seconds)."""
    match = _RATE_PATTERN.match(settings.SUBMIT_RATE)
    if match is None or int(match.group(1)) < 1:
        raise ImproperlyConfigured(
            f"SUBMIT_RATE must look like 10/m (a count per s, m, h or d); "
            f"got {settings.SUBMIT_RATE!r}"
        )
    return int(match.group(1)), RATE_UNITS[match.group(2)]


def _rate_refusal(user: AbstractBaseUser) -> Decision | None:
    """A fixed-window counter in the shared cache, so every web node counts together."""
    limit, window = submit_rate()
    now = time.time()
    window_start = int(now // window) * window
    key = f"access:submit-rate:{user.pk}:{window}:{window_start}"
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: this is the first in a new window
        cache.set(key, 1, timeout=window + 1)
        count = 1
    if count <= limit:
        return None
    wait = max(1, int(window_start + window - now) + 1)
    reason = (
        f"You can submit {limit} time(s) per {_duration(window)}. Try again in {_duration(wait)}."
    )
    return Decision(False, reason, ErrorCode.RATE_LIMITED, wait)


def _duration(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min" + (f" {seconds % 60} s" if seconds % 60 else "")
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"
