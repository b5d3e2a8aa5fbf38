"""Reads about invitations and second factors that views, forms and middleware share."""

from __future__ import annotations

import hashlib

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.http import HttpRequest

from access.models import Invitation

# The invitation a visitor opened, remembered until they finish signing up.
SESSION_INVITATION_KEY = "access.invitation_id"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_lookup(token: str) -> Invitation | None:
    """The invitation for a raw token, whatever its status; None if unknown.

    Looking up by the hash is a unique-index equality match, so no constant-time
    comparison is needed: the raw token never meets a stored value.
    """
    if not token or len(token) > 128:
        return None
    return (
        Invitation.objects.select_related("created_by").filter(token_hash=token_hash(token)).first()
    )


def invitation_from_session(request: HttpRequest) -> Invitation | None:
    """The still-pending invitation this visitor opened, or None."""
    invitation_id = request.session.get(SESSION_INVITATION_KEY)
    if invitation_id is None:
        return None
    invitation = Invitation.objects.filter(pk=invitation_id).first()
    if invitation is None or not invitation.is_pending:
        return None
    return invitation


def email_has_account(email: str) -> bool:
    return (
        get_user_model().objects.filter(email__iexact=email).exists()
        or EmailAddress.objects.filter(email__iexact=email).exists()
    )


def has_totp(user: User) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()
