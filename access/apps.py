from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured


class AccessConfig(AppConfig):
    name = "access"
    verbose_name = "Access"

    def ready(self) -> None:
        checks.register(check_access_settings, checks.Tags.security)


def check_access_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """A typo in TRUSTED_PROXIES or SUBMIT_RATE should stop start-up, not the first request."""
    # Here, not at the top: Django imports this module before any models, and
    # these import access.models.
    from access.audit import trusted_networks
    from access.policy import submit_rate

    errors: list[checks.CheckMessage] = []
    for check, check_id in (
        (lambda: trusted_networks(tuple(settings.TRUSTED_PROXIES)), "access.E001"),
        (submit_rate, "access.E002"),
    ):
        try:
            check()
        except ImproperlyConfigured as exc:
            errors.append(checks.Error(str(exc), id=check_id))
    return errors
