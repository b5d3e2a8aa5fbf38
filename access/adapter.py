"""allauth glue: signup is open only to a visitor holding a pending invitation, and
during a lockout pause only staff may sign in."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.stagekit import clear_login
from allauth.mfa.adapter import DefaultMFAAdapter
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from access.audit import client_ip
from access.roles import is_staff_member
from access.selectors import invitation_from_session, revocation_notice, site_state

NO_ADDRESS = "0.0.0.0"  # noqa: S104 - a placeholder, never bound to


class InvitationAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        invitation = invitation_from_session(request)
        if invitation is None:
            return False
        # The link reached this address, so it needs no second confirmation email.
        self.stash_verified_email(request, invitation.email)
        return True

    def get_client_ip(self, request: HttpRequest) -> str:
        """The same address the audit log and token checks use (X-Forwarded-For only
        from TRUSTED_PROXIES, garbage ignored). allauth's own reading raises
        PermissionDenied (a 403 on every page) when REMOTE_ADDR is not an address."""
        # No peer address at all (a unix-socket peer): such clients share one bucket.
        return client_ip(request) or NO_ADDRESS

    def pre_login(
        self, request: HttpRequest, user: AbstractBaseUser, **kwargs: Any
    ) -> HttpResponse | None:
        response = super().pre_login(request, user, **kwargs)
        if response is not None:
            return response
        state = site_state()
        # A lockout ended every non-staff session; without this they could sign straight back in.
        if state.paused and state.lockout and not is_staff_member(user):  # type: ignore[arg-type]
            clear_login(request)
            return render(request, "access/locked_out.html", {"state": state}, status=503)
        return None

    def respond_user_inactive(self, request: HttpRequest, user: AbstractBaseUser) -> HttpResponse:
        """A revoked person who typed their right password: say why and whom to ask
        (allauth's default page says only "This account is inactive")."""
        notice = revocation_notice(user)  # type: ignore[arg-type]
        return render(request, "account/account_inactive.html", {"notice": notice}, status=403)


class StudioMfaAdapter(DefaultMFAAdapter):
    def build_totp_svg(self, url: str) -> str:
        """The enrolment QR code, dark modules on a white square with the standard
        four-module quiet zone: allauth's default has a transparent background, which
        draws black on our dark page where phone cameras cannot read it."""
        # Only enrolment draws a QR code: qrcode (0.1 s to load) stays out of start-up.
        import qrcode
        from qrcode.image.svg import SvgPathFillImage

        image = qrcode.make(url, image_factory=SvgPathFillImage, border=4)
        buffer = BytesIO()
        image.save(buffer)
        return buffer.getvalue().decode("utf8")
