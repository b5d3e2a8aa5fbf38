"""Moderators and staff reach the admin and moderation pages only with TOTP enrolled."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.messages.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from access.roles import is_moderator
from access.selectors import has_totp

GATED_PREFIXES = ("/admin/", "/moderation/")
MFA_REQUIRED_MESSAGE = "Moderators and staff must set up two-factor authentication first."


class MfaRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _needs_totp(request):
            return _redirect_to_totp_setup(request)
        return self.get_response(request)


def _needs_totp(request: HttpRequest) -> bool:
    # Cheapest checks first: most requests are not for a gated path.
    if not request.path.startswith(GATED_PREFIXES):
        return False
    user = request.user
    if not user.is_authenticated:
        return False  # the admin's own login page (and LoginRequiredMiddleware) handle them
    privileged = user.is_staff or user.is_superuser or is_moderator(user)
    return privileged and not has_totp(user)


def _redirect_to_totp_setup(request: HttpRequest) -> HttpResponse:
    response = redirect("mfa_activate_totp")
    # This middleware sits before MessageMiddleware, which therefore has not run
    # yet and will not run for this short-circuited response: store the message
    # ourselves, the way MessageMiddleware.process_response would.
    storage = default_storage(request)
    storage.add(messages.WARNING, MFA_REQUIRED_MESSAGE)
    storage.update(response)
    return response
