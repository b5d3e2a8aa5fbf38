"""Cutting people off: one person, the people they invited, or everyone but staff
(the site pause). Every change is audited and announced to generation by a signal."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from importlib import import_module

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from access import signals
from access.audit import audit_record
from access.models import (
    SITE_STATE_ID,
    ApiToken,
    Invitation,
    Revocation,
    SiteState,
)
from access.roles import is_staff_member
from access.selectors import (
    active_staff,
    cohort_of,
    session_keys_for,
    site_state_cache_clear,
)

REASON_MAX_CHARS = 1000


@dataclass(frozen=True)
class Revoked:
    revocation: Revocation
    sessions_ended: int
    tokens_revoked: int
    invitations_revoked: int


def _reason_clean(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Give a reason: it is recorded and shown.", code="reason")
    if len(reason) > REASON_MAX_CHARS:
        raise ValidationError(
            f"Keep the reason under {REASON_MAX_CHARS} characters.", code="reason"
        )
    return reason


def _revocation_allowed(*, user: User, by: User | None) -> None:
    if by is not None and by.pk == user.pk:
        raise ValidationError("You cannot revoke your own access.", code="self")
    if is_staff_member(user) and not active_staff().exclude(pk=user.pk).exists():
        raise ValidationError(
            f"{user.email} is the last active staff account; revoking it would leave "
            "nobody able to run the studio. Invite another staff member first.",
            code="last_staff",
        )


def _sessions_end(keys: Iterable[str]) -> int:
    """End these sessions through the session engine, and forget allauth's records of them."""
    keys = set(keys)
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    for key in keys:
        store.delete(key)
    UserSession.objects.filter(session_key__in=keys).delete()
    return len(keys)


def person_revoke(
    *, user: User, by: User | None, reason: str, request: HttpRequest | None = None
) -> Revoked:
    """Cut one person off everywhere at once: account, sessions, tokens, invitations.

    generation's receiver of `person_revoked` (sent after commit) cancels their
    jobs and closes their open pages.
    """
    reason = _reason_clean(reason)
    _revocation_allowed(user=user, by=by)
    now = timezone.now()
    with transaction.atomic():
        # Conditional, so two staff revoking at once produce one revocation.
        if not get_user_model().objects.filter(pk=user.pk, is_active=True).update(is_active=False):
            raise ValidationError(f"{user.email} has no access to revoke.", code="inactive")
        user.is_active = False
        revocation = Revocation.objects.create(user=user, revoked_by=by, reason=reason)
        sessions = _sessions_end(session_keys_for(user_ids={user.pk}))
        tokens = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
        invitations = Invitation.objects.filter(
            created_by=user, used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
        ).update(revoked_at=now, revoked_by=by)
        audit_record(
            action="person.revoke",
            actor=by,
            target=user.email,
            request=request,
            details={
                "user": user.pk,
                "reason": reason,
                "sessions_ended": sessions,
                "tokens_revoked": tokens,
                "invitations_revoked": invitations,
            },
        )
        transaction.on_commit(
            lambda: signals.person_revoked.send(sender=None, user=user, reason=reason, by=by)
        )
    return Revoked(revocation, sessions, tokens, invitations)


@dataclass(frozen=True)
class CohortMember:
    user: User
    depth: int  # 0 for the person named, 1 for whom they invited, and so on
    outcome: str  # "revoked", "already revoked", "would be revoked", or why not
    revoked: Revoked | None = None


def cohort_revoke(
    *,
    user: User,
    by: User | None,
    reason: str,
    request: HttpRequest | None = None,
    dry_run: bool = False,
) -> list[CohortMember]:
    """Revoke `user` and everyone they invited, transitively, with one reason.

    Each person goes through person_revoke, so each gets their own audit event and
    is cut off everywhere at once. A person who cannot be revoked (the one acting,
    the last staff account) is reported and skipped; the others are still revoked.
    `dry_run` changes nothing and says who would be affected."""
    if not dry_run:
        reason = _reason_clean(reason)
    members = []
    for person, depth in cohort_of(user):
        if not person.is_active:
            members.append(CohortMember(person, depth, "already revoked"))
            continue
        if dry_run:
            members.append(CohortMember(person, depth, "would be revoked"))
            continue
        try:
            result = person_revoke(user=person, by=by, reason=reason, request=request)
        except ValidationError as exc:
            members.append(CohortMember(person, depth, " ".join(exc.messages)))
        else:
            members.append(CohortMember(person, depth, "revoked", result))
    return members


def person_restore(*, user: User, by: User | None, request: HttpRequest | None = None) -> None:
    """Give a revoked person their account back. Sessions, tokens, invitations and
    cancelled jobs stay ended: they sign in again and make new tokens."""
    now = timezone.now()
    with transaction.atomic():
        if not get_user_model().objects.filter(pk=user.pk, is_active=False).update(is_active=True):
            raise ValidationError(f"{user.email} is not revoked.", code="active")
        user.is_active = True
        Revocation.objects.filter(user=user, restored_at__isnull=True).update(
            restored_at=now, restored_by=by
        )
        audit_record(
            action="person.restore",
            actor=by,
            target=user.email,
            request=request,
            details={"user": user.pk},
        )
        transaction.on_commit(lambda: signals.person_restored.send(sender=None, user=user, by=by))


# --- site pause ------------------------------------------------------------------


def _site_state_row() -> SiteState:
    state, _ = SiteState.objects.get_or_create(pk=SITE_STATE_ID)
    return state


def site_pause(
    *, by: User | None, reason: str, lockout: bool = False, request: HttpRequest | None = None
) -> SiteState:
    """Refuse new work from everyone but staff; with `lockout`, also sign out everyone
    but staff. generation's receiver of `site_paused` parks the running jobs."""
    reason = _reason_clean(reason)
    with transaction.atomic():
        _site_state_row()
        changed = SiteState.objects.filter(pk=SITE_STATE_ID, paused=False).update(
            paused=True, lockout=lockout, reason=reason, since=timezone.now(), changed_by=by
        )
        if not changed:
            current = SiteState.objects.get(pk=SITE_STATE_ID)
            raise ValidationError(
                f"The studio is already paused (since {current.since:%Y-%m-%d %H:%M} UTC: "
                f"{current.reason}). Resume it first to pause with other settings.",
                code="paused",
            )
        ended = _sessions_end_non_staff() if lockout else 0
        state = SiteState.objects.get(pk=SITE_STATE_ID)
        audit_record(
            action="site.pause",
            actor=by,
            target="site",
            request=request,
            details={"reason": reason, "lockout": lockout, "sessions_ended": ended},
        )
        _site_state_changed()
        transaction.on_commit(
            lambda: signals.site_paused.send(sender=None, state=state, lockout=lockout)
        )
    return state


def site_resume(*, by: User | None, request: HttpRequest | None = None) -> SiteState:
    """Accept work again. generation's receiver of `site_resumed` re-queues in order."""
    with transaction.atomic():
        _site_state_row()
        changed = SiteState.objects.filter(pk=SITE_STATE_ID, paused=True).update(
            paused=False, lockout=False, reason="", since=timezone.now(), changed_by=by
        )
        if not changed:
            raise ValidationError("The studio is not paused.", code="running")
        state = SiteState.objects.get(pk=SITE_STATE_ID)
        audit_record(action="site.resume", actor=by, target="site", request=request)
        _site_state_changed()
        transaction.on_commit(lambda: signals.site_resumed.send(sender=None, state=state))
    return state


def _site_state_changed() -> None:
    # This process sees its own change at once; others within SITE_STATE_TTL.
    site_state_cache_clear()
    transaction.on_commit(site_state_cache_clear)


def _sessions_end_non_staff() -> int:
    staff_ids = frozenset(active_staff().values_list("pk", flat=True))
    return _sessions_end(session_keys_for(keep_user_ids=staff_ids))
