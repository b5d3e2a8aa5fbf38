"""allauth glue: signup is open only to a visitor holding a pending invitation."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from access.selectors import invitation_from_session


class InvitationAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        invitation = invitation_from_session(request)
        if invitation is None:
            return False
        # The link reached this address, so it needs no second confirmation email.
        self.stash_verified_email(request, invitation.email)
        return True
