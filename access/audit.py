"""The one way to write an audit event (who, what, when, from where)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest

from access.models import AuditEvent


def client_ip(request: HttpRequest) -> str | None:
    """The peer address. Proxy headers are trusted only via TRUSTED_PROXIES (access issue)."""
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    action: str,
    actor: User | AnonymousUser | None = None,
    target: str = "",
    request: HttpRequest | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append an audit event. `action` is a dotted verb such as "invitation.create"."""
    if actor is not None and not actor.is_authenticated:
        actor = None
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        actor_label=getattr(actor, "email", "") or "",
        target=str(target)[:254],
        ip=client_ip(request) if request is not None else None,
        user_agent=(request.headers.get("User-Agent", "") if request is not None else "")[:512],
        details=details or {},
    )
