"""Invitations (create, send, revoke, accept) and sign-in auditing."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from access.audit import audit_record
from access.models import (
    Invitation,
)
from access.roles import Role, role_assign
from access.selectors import (
    active_staff,
    email_has_account,
    token_hash,
)

logger = logging.getLogger(__name__)


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
