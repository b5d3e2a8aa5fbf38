"""Personal API tokens: create, revoke, authenticate, and the automatic suspension of
a token used from too many places."""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from access.audit import audit_record
from access.errors import ErrorCode
from access.models import (
    ApiToken,
    TokenClient,
    TokenScope,
)
from access.selectors import (
    active_staff,
)
from access.tokens import TokenError, token_digest, token_new, token_prefix

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
