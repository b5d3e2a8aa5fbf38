from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_migrate


class SoraSiteConfig(AppConfig):
    name = "sora_site"
    verbose_name = "Studio"

    def ready(self) -> None:
        from django.core import checks

        from access.roles import roles_sync_after_migrate
        from sora_site import checks as studio_checks

        checks.register(studio_checks.check_metrics_allow, checks.Tags.security)
        checks.register(studio_checks.check_production, checks.Tags.security)
        checks.register(studio_checks.check_deploy, checks.Tags.security, deploy=True)

        # No sender: every app's post_migrate runs it, so the run after the last
        # app has created its permissions leaves the role groups complete.
        post_migrate.connect(roles_sync_after_migrate, dispatch_uid="access.roles_sync")
        user_logged_in.connect(_audit_login, dispatch_uid="access.audit_login")
        user_login_failed.connect(_audit_login_failed, dispatch_uid="access.audit_login_failed")


# The handlers and ready() import app code inside: Django imports this module before
# any models are loaded, and access.services (like the checks) imports models.


def _audit_login(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    from access.services import auth_login_record

    auth_login_record(user=user, request=request)


def _audit_login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    from access.services import auth_login_failed_record

    auth_login_failed_record(credentials=credentials, request=request)
