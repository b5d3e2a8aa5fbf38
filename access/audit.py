"""The one way to write an audit event (who, what, when, from where)."""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

from access.models import AuditEvent

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=16)
def address_networks(spec: tuple[str, ...], *, setting: str) -> tuple[Network, ...]:
    """An address-list setting's entries (IPs or CIDRs) as networks; a typo fails loudly,
    naming the setting."""
    networks = []
    for entry in spec:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"{setting} entries must be IP addresses or networks; got {entry!r}"
            ) from None
    return tuple(networks)


def trusted_networks(spec: tuple[str, ...]) -> tuple[Network, ...]:
    """TRUSTED_PROXIES entries as networks."""
    return address_networks(spec, setting="TRUSTED_PROXIES")


def _parse_ip(value: str) -> str | None:
    """A bare IP from a header entry ("1.2.3.4", "1.2.3.4:80", "[::1]:80"), or None."""
    value = value.strip()
    if value.startswith("[") and "]" in value:
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]  # IPv4 with a port; bare IPv6 has several colons
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def _is_trusted(ip: str) -> bool:
    address = ipaddress.ip_address(ip)
    networks = trusted_networks(tuple(settings.TRUSTED_PROXIES))
    return any(address in network for network in networks)


def client_ip(request: HttpRequest) -> str | None:
    """The address of whoever sent the request.

    X-Forwarded-For is anyone's to write, so it counts only when the peer itself is
    one of our proxies (TRUSTED_PROXIES). Each proxy appends the address it saw, so
    reading from the right, the first address that is not our own proxy is the
    client; anything to its left was supplied by the client and may be forged.
    """
    remote = _parse_ip(request.META.get("REMOTE_ADDR") or "")
    if remote is None or not _is_trusted(remote):
        return remote
    candidate = remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for entry in reversed(forwarded.split(",") if forwarded else []):
        hop = _parse_ip(entry)
        if hop is None:
            break  # garbage in the chain: nothing left of it can be trusted
        candidate = hop
        if not _is_trusted(hop):
            break
    return candidate


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
