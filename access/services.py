"""Writes for invitations and sign-in auditing. Views, admin and commands call these."""

from __future__ import annotations

import hmac
import ipaddress
import logging
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import import_module
from typing import Any

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from access import signals
from access.audit import audit_record
from access.errors import ErrorCode
from access.models import (
    SITE_STATE_ID,
    ApiToken,
    Invitation,
    Quota,
    Revocation,
    SiteState,
    TokenClient,
    TokenScope,
)
from access.roles import Role, is_staff_member, role_assign
from access.selectors import (
    active_staff,
    cohort_of,
    email_has_account,
    session_keys_for,
    site_state_cache_clear,
    token_hash,
)
from access.tokens import TokenError, token_digest, token_new, token_prefix

logger = logging.getLogger(__name__)

__all__ = [
    "CohortMember",
    "InvitationUnavailable",
    "Revoked",
    "auth_login_failed_record",
    "auth_login_record",
    "bootstrap_staff_invitation",
    "cohort_revoke",
    "invitation_accept",
    "invitation_consume",
    "invitation_create",
    "invitation_email_clean",
    "invitation_link",
    "invitation_path",
    "invitation_revoke",
    "invitation_send",
    "person_restore",
    "person_revoke",
    "quota_clear",
    "quota_set",
    "site_pause",
    "site_resume",
    "token_authenticate",
    "token_create",
    "token_revoke",
    "token_unsuspend",
]


class InvitationUnavailable(ValidationError):
    """The invitation was used, revoked or expired between opening the link and signing up."""


def invitation_email_clean(email: str) -> str:
    """The address an invitation may be bound to, normalised; ValidationError otherwise."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(
            f"“{email}” is not a valid email address.", code="invalid_email"
        ) from None
    if email_has_account(email):
        raise ValidationError(
            f"An account for {email} already exists: no invitation is needed.",
            code="account_exists",
        )
    return email


def _role_clean(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        choices = ", ".join(Role.values)
        raise ValidationError(
            f"Unknown role “{role}”: choose one of {choices}.", code="invalid_role"
        ) from None


def _days_clean(days: int | None) -> int:
    days = settings.INVITATION_DAYS if days is None else days
    if days < 1:
        raise ValidationError("An invitation must be valid for at least 1 day.", code="days")
    return days


def invitation_create(
    *,
    email: str,
    role: Role | str,
    invited_by: User | None,
    days: int | None = None,
    request: HttpRequest | None = None,
    is_bootstrap: bool = False,
) -> tuple[Invitation, str]:
    """Create an invitation and return it with its raw token, which is never stored."""
    email = invitation_email_clean(email)
    role = _role_clean(role)
    days = _days_clean(days)
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation = Invitation.objects.create(
            email=email,
            role=role,
            token_hash=token_hash(token),
            created_by=invited_by,
            expires_at=timezone.now() + timedelta(days=days),
            is_bootstrap=is_bootstrap,
        )
        audit_record(
            action="invitation.create",
            actor=invited_by,
            target=email,
            request=request,
            details={
                "invitation": invitation.pk,
                "role": role.value,
                "days": days,
                "bootstrap": is_bootstrap,
            },
        )
    return invitation, token


def invitation_path(token: str) -> str:
    return reverse("invitation_accept", kwargs={"token": token})


def invitation_link(*, token: str, base_url: str) -> str:
    return base_url.rstrip("/") + invitation_path(token)


def invitation_send(*, invitation: Invitation, token: str, base_url: str) -> None:
    """Email the link to the invited address through Django's email backend."""
    context = {
        "invitation": invitation,
        "link": invitation_link(token=token, base_url=base_url),
        "site_name": settings.SITE_NAME,
    }
    send_mail(
        subject=f"Your invitation to {settings.SITE_NAME}",
        message=render_to_string("access/email/invitation.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )


def invitation_revoke(
    *,
    invitation: Invitation,
    by: User | None,
    request: HttpRequest | None = None,
) -> bool:
    """Revoke a pending (or expired) invitation. False if it was already revoked."""
    with transaction.atomic():
        # Conditional, so a revoke can never overwrite a signup that just won.
        changed = Invitation.objects.filter(
            pk=invitation.pk, used_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=timezone.now(), revoked_by=by)
        invitation.refresh_from_db()
        if not changed:
            if invitation.used_at is not None:
                raise ValidationError(
                    f"The invitation for {invitation.email} has already been used, so it "
                    "cannot be revoked. Deactivate that account instead.",
                    code="used",
                )
            return False
        audit_record(
            action="invitation.revoke",
            actor=by,
            target=invitation.email,
            request=request,
            details={"invitation": invitation.pk},
        )
    return True


def invitation_consume(*, invitation: Invitation, user: User) -> bool:
    """Mark the invitation used by `user`. One conditional UPDATE: exactly one signup wins."""
    now = timezone.now()
    won = Invitation.objects.filter(
        pk=invitation.pk, used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
    ).update(used_at=now, used_by=user)
    if won:
        invitation.used_at = now
        invitation.used_by = user  # type: ignore[assignment]
    return bool(won)


def invitation_accept(
    *, invitation: Invitation, user: User, request: HttpRequest | None = None
) -> None:
    """Bind a just-created account to its invitation and give it the invited role.

    Call inside the transaction that created the user: InvitationUnavailable then
    rolls the account back, so a lost race creates nothing.
    """
    with transaction.atomic():
        if not invitation_consume(invitation=invitation, user=user):
            raise InvitationUnavailable(
                "This invitation was used, revoked or expired while you were signing up."
            )
        role_assign(user=user, role=Role(invitation.role))
        audit_record(
            action="invitation.accept",
            actor=user,
            target=invitation.email,
            request=request,
            details={
                "invitation": invitation.pk,
                "role": invitation.role,
                "invited_by": invitation.created_by_id,
            },
        )


def bootstrap_staff_invitation(*, email: str) -> str | None:
    """The first staff invitation, printed by `serve` until a staff account exists.

    Each start replaces the previous unused bootstrap link, so only the newest
    printed link works. Returns the link's path, or None once staff exist.
    """
    if active_staff().exists():
        return None
    if email_has_account(email):
        # Starting the studio must not fail over this: say what to do instead.
        logger.warning(
            "No staff account exists, and %s already has a non-staff account, so no "
            "bootstrap invitation was made. Set SORA_ADMIN_EMAIL to another address, "
            "or run `manage.py createsuperuser`.",
            email,
        )
        return None
    with transaction.atomic():
        earlier = Invitation.objects.filter(
            is_bootstrap=True, used_at__isnull=True, revoked_at__isnull=True
        )
        for invitation in earlier:
            invitation_revoke(invitation=invitation, by=None)
        _, token = invitation_create(
            email=email, role=Role.STAFF, invited_by=None, is_bootstrap=True
        )
    return invitation_path(token)


def auth_login_record(*, user: User, request: HttpRequest | None) -> None:
    audit_record(
        action="auth.login", actor=user, target=getattr(user, "email", ""), request=request
    )


def auth_login_failed_record(
    *, credentials: Mapping[str, Any], request: HttpRequest | None
) -> None:
    """Record which account someone tried to enter: the identifier only, never a password."""
    identifier = credentials.get("email") or credentials.get("username") or ""
    # audit_record reads request.user; a request built outside the middleware has none.
    usable = request if request is not None and hasattr(request, "user") else None
    audit_record(action="auth.login_failed", target=str(identifier), request=usable)


# --- revocation ------------------------------------------------------------------

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


# --- quotas ----------------------------------------------------------------------


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


# --- API tokens ------------------------------------------------------------------

TOKEN_NAME_MAX = 64
CLIENT_WINDOW = timedelta(hours=24)
UNKNOWN_CLIENT = "unknown"


def _scopes_clean(scopes: Iterable[str]) -> list[str]:
    chosen = sorted(set(scopes))
    unknown = [scope for scope in chosen if scope not in TokenScope.values]
    if unknown:
        raise ValidationError(
            f"Unknown scope(s) {', '.join(unknown)}: choose from {', '.join(TokenScope.values)}.",
            code="scopes",
        )
    if not chosen:
        raise ValidationError("Choose at least one scope.", code="scopes")
    return chosen


def _token_name_clean(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > TOKEN_NAME_MAX:
        raise ValidationError(
            f"Name the token (1 to {TOKEN_NAME_MAX} characters), e.g. the tool that uses it.",
            code="name",
        )
    return name


def token_create(
    *,
    user: User,
    name: str,
    scopes: Iterable[str],
    expires_at: datetime | None = None,
    request: HttpRequest | None = None,
) -> tuple[ApiToken, str]:
    """Create a token; return it with the raw value, which exists only in this return."""
    name = _token_name_clean(name)
    chosen = _scopes_clean(scopes)
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError("The expiry date must be in the future.", code="expires_at")
    if not user.is_active:
        raise ValidationError("A revoked account cannot create tokens.", code="inactive")
    prefix, raw = token_new()
    while ApiToken.objects.filter(prefix=prefix).exists():  # 36**8 prefixes: almost never
        prefix, raw = token_new()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=prefix,
            digest=token_digest(raw),
            scopes=chosen,
            expires_at=expires_at,
        )
        audit_record(
            action="token.create",
            actor=user,
            target=prefix,
            request=request,
            details={"name": name, "scopes": chosen, "expires_at": _iso(expires_at)},
        )
    return token, raw


def token_revoke(*, token: ApiToken, by: User | None, request: HttpRequest | None = None) -> bool:
    """Revoke a token for good. False if it was already revoked."""
    with transaction.atomic():
        now = timezone.now()
        if not ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now):
            return False
        token.revoked_at = now
        audit_record(
            action="token.revoke",
            actor=by,
            target=token.prefix,
            request=request,
            details={"owner": token.user_id, "name": token.name},
        )
    return True


def token_unsuspend(
    *, token: ApiToken, by: User | None, request: HttpRequest | None = None
) -> bool:
    """Lift an automatic suspension (staff, after checking with the owner); the count of
    distinct clients starts again from nothing."""
    with transaction.atomic():
        if not ApiToken.objects.filter(pk=token.pk, suspended_at__isnull=False).update(
            suspended_at=None, suspend_reason=""
        ):
            return False
        TokenClient.objects.filter(token=token).delete()
        token.suspended_at, token.suspend_reason = None, ""
        audit_record(
            action="token.unsuspend",
            actor=by,
            target=token.prefix,
            request=request,
            details={"owner": token.user_id},
        )
    return True


def token_authenticate(*, raw: str, scope: str, ip: str | None, user_agent: str) -> ApiToken:
    """The active token `raw` stands for, with its use recorded; TokenError otherwise.

    Call it outside any surrounding transaction: a suspension must stick even though
    the request that caused it is refused.
    """
    token = _token_lookup(raw)
    _token_usable(token)
    now = timezone.now()
    client = _client_address(ip)
    with transaction.atomic():
        TokenClient.objects.update_or_create(
            token=token, ip=client, defaults={"last_seen": now}, create_defaults={"ip": client}
        )
        ApiToken.objects.filter(pk=token.pk).update(
            last_used_at=now,
            last_used_ip=client if client != UNKNOWN_CLIENT else None,
            last_used_agent=(user_agent or "")[:512],
        )
        clients = TokenClient.objects.filter(token=token, last_seen__gte=now - CLIENT_WINDOW)
        if clients.count() > settings.API_TOKEN_MAX_CLIENTS:
            _token_suspend(token, ip=client, user_agent=user_agent)
    if token.suspended_at is not None:
        raise TokenError(ErrorCode.TOKEN_SUSPENDED, _SUSPENDED_MESSAGE)
    if scope not in token.scopes:
        raise TokenError(
            ErrorCode.INSUFFICIENT_SCOPE,
            f"This token may not {scope}: its scopes are {', '.join(token.scopes)}.",
        )
    return token


_SUSPENDED_MESSAGE = (
    "This token was suspended because it was used from too many different places. "
    "Ask staff to look into it, or create a new token and keep it to yourself."
)


def _token_lookup(raw: str) -> ApiToken:
    prefix = token_prefix(raw)
    invalid = TokenError(ErrorCode.INVALID_TOKEN, "The API token is missing, malformed or unknown.")
    if prefix is None:
        raise invalid
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    # Compare digests in constant time, so timing tells nothing about a guess.
    if token is None or not hmac.compare_digest(token.digest, token_digest(raw)):
        raise invalid
    return token


def _token_usable(token: ApiToken) -> None:
    if token.revoked_at is not None:
        raise TokenError(ErrorCode.TOKEN_REVOKED, "This API token has been revoked.")
    if token.expires_at is not None and token.expires_at <= timezone.now():
        raise TokenError(ErrorCode.TOKEN_EXPIRED, "This API token has expired.")
    if token.suspended_at is not None:
        raise TokenError(ErrorCode.TOKEN_SUSPENDED, _SUSPENDED_MESSAGE)
    if not token.user.is_active:
        raise TokenError(ErrorCode.REVOKED, "Your access to this studio has been revoked.")


def _client_address(ip: str | None) -> str:
    try:
        return str(ipaddress.ip_address((ip or "").strip()))
    except ValueError:
        return UNKNOWN_CLIENT


def _token_suspend(token: ApiToken, *, ip: str, user_agent: str) -> None:
    limit = settings.API_TOKEN_MAX_CLIENTS
    reason = f"Used from more than {limit} distinct addresses within 24 hours."
    now = timezone.now()
    # Conditional: of two requests racing past the limit, one suspends and notifies.
    if not ApiToken.objects.filter(pk=token.pk, suspended_at__isnull=True).update(
        suspended_at=now, suspend_reason=reason
    ):
        token.suspended_at = token.suspended_at or now
        return
    token.suspended_at, token.suspend_reason = now, reason
    addresses = sorted(TokenClient.objects.filter(token=token).values_list("ip", flat=True))
    audit_record(
        action="token.suspend",
        actor=None,
        target=token.prefix,
        details={"owner": token.user_id, "reason": reason, "ip": ip, "clients": addresses},
    )
    transaction.on_commit(lambda: _token_suspension_notify(token, addresses), robust=True)


def _token_suspension_notify(token: ApiToken, addresses: list[str]) -> None:
    context = {"token": token, "addresses": addresses, "site_name": settings.SITE_NAME}
    subject = f"API token {token.prefix} suspended on {settings.SITE_NAME}"
    send_mail(
        subject=subject,
        message=render_to_string("access/email/token_suspended_owner.txt", context),
        from_email=None,
        recipient_list=[token.user.email],
    )
    staff = [email for email in active_staff().values_list("email", flat=True) if email]
    if staff:
        send_mail(
            subject=subject,
            message=render_to_string("access/email/token_suspended_staff.txt", context),
            from_email=None,
            recipient_list=staff,
        )


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None
