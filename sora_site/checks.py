"""The studio's own system checks for unsafe production settings.

They run on every management command when DJANGO_ENV=production, and with
`manage.py check --deploy` anywhere (Django's own deploy checks run beside them).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from sora_site.metrics import metrics_networks

PUBLIC_ACLS = {"public-read", "public-read-write"}


def check_metrics_allow(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    try:
        networks = metrics_networks(tuple(settings.METRICS_ALLOW))
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="sora_site.E001")]
    if any(network.prefixlen == 0 for network in networks):
        return [
            checks.Warning(
                "METRICS_ALLOW lets every address read /metrics.",
                hint="List your Prometheus servers' addresses, or use a staff API token.",
                id="sora_site.W005",
            )
        ]
    return []


def check_production(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Always registered: speaks only when DJANGO_ENV=production."""
    return deploy_warnings() if getattr(settings, "PRODUCTION", False) else []


def check_deploy(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """`check --deploy`: the same warnings outside production (in it, check_production did)."""
    return [] if getattr(settings, "PRODUCTION", False) else deploy_warnings()


def deploy_warnings() -> list[checks.CheckMessage]:
    return [*_debug(), *_proxy(), *_public_media(), *_signing_certificate()]


def _debug() -> list[checks.CheckMessage]:
    if not settings.DEBUG:
        return []
    return [
        checks.Warning(
            "DEBUG is on: error pages show settings, code and request data to anyone.",
            hint="Unset DEBUG (or DEBUG=0) in production.",
            id="sora_site.W001",
        )
    ]


def _proxy() -> list[checks.CheckMessage]:
    behind_proxy = getattr(settings, "SECURE_PROXY_SSL_HEADER", None) is not None
    if not behind_proxy or settings.TRUSTED_PROXIES:
        return []
    return [
        checks.Warning(
            "SECURE_PROXY_SSL_HEADER says the studio runs behind a proxy, but TRUSTED_PROXIES "
            "is empty: every request then seems to come from the proxy, so the audit log, "
            "METRICS_ALLOW and API-token sharing detection all see one address.",
            hint="Set TRUSTED_PROXIES to your proxies' addresses (e.g. 127.0.0.1 or 10.0.0.0/8).",
            id="sora_site.W002",
        )
    ]


def _public_media() -> list[checks.CheckMessage]:
    storages: dict[str, Any] = settings.STORAGES
    options: dict[str, Any] = storages.get("default", {}).get("OPTIONS", {})
    reasons = []
    # Django turns an unset MEDIA_URL into "/"; anything else names a public media path.
    if getattr(settings, "MEDIA_URL", "") not in ("", "/"):
        reasons.append(f"MEDIA_URL is {settings.MEDIA_URL!r}")
    if options.get("base_url"):
        reasons.append(f"the media storage has base_url {options['base_url']!r}")
    if options.get("default_acl") in PUBLIC_ACLS:
        reasons.append(f"the media storage writes objects with ACL {options['default_acl']!r}")
    if options.get("querystring_auth") is False:
        reasons.append("the media storage hands out unsigned object URLs (querystring_auth off)")
    if options.get("custom_domain"):
        reasons.append(f"the media storage serves from {options['custom_domain']!r}")
    if not reasons:
        return []
    return [
        checks.Warning(
            "Media may be reachable without a permission check: " + "; ".join(reasons) + ".",
            hint=(
                "Videos must only be streamed by the studio's views (or X-Accel-Redirect from "
                "them): keep the bucket private and give the storage no public URL."
            ),
            id="sora_site.W003",
        )
    ]


def _signing_certificate() -> list[checks.CheckMessage]:
    enabled = bool(getattr(settings, "C2PA_ENABLED", False))
    certificate = str(getattr(settings, "C2PA_SIGN_CERT", "") or "")
    if not enabled or certificate:
        return []
    return [
        checks.Warning(
            "C2PA signing is on but C2PA_SIGN_CERT is not set: videos are signed with the "
            "default development certificate, which proves nothing about this studio.",
            hint="Set C2PA_SIGN_CERT and C2PA_SIGN_KEY to your own certificate and key.",
            id="sora_site.W004",
        )
    ]
