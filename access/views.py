"""The invitation link: the one page an outsider can reach besides login and status."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from access.models import Invitation, InvitationStatus
from access.selectors import SESSION_INVITATION_KEY, invitation_lookup

ASK_AGAIN = "Ask the person who invited you to send you a new invitation."


@login_not_required  # public: anyone holding a link; the unguessable token is the credential
@never_cache
@require_GET
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_lookup(token)
    if invitation is None:
        return _unavailable(
            request,
            status=404,
            title="We don't recognise this invitation link",
            reason="Check that you opened the whole link from your email. " + ASK_AGAIN,
        )
    if not invitation.is_pending:
        return _unavailable(request, status=410, **_gone_message(invitation))
    # Remember the invitation, not the token: the signup form reads it from here.
    request.session[SESSION_INVITATION_KEY] = invitation.pk
    return render(request, "access/invitation_accept.html", {"invitation": invitation})


def _gone_message(invitation: Invitation) -> dict[str, str]:
    status = invitation.status
    if status == InvitationStatus.USED:
        return {
            "title": "This invitation has already been used",
            "reason": "Each invitation creates one account. If it was you, sign in. "
            "If not, " + ASK_AGAIN[0].lower() + ASK_AGAIN[1:],
        }
    if status == InvitationStatus.REVOKED:
        return {"title": "This invitation was withdrawn", "reason": ASK_AGAIN}
    expired_on = formats.date_format(invitation.expires_at, "DATETIME_FORMAT")
    return {
        "title": "This invitation has expired",
        "reason": f"It could be used until {expired_on} (UTC). {ASK_AGAIN}",
    }


def _unavailable(request: HttpRequest, *, status: int, title: str, reason: str) -> HttpResponse:
    request.session.pop(SESSION_INVITATION_KEY, None)
    return render(
        request,
        "access/invitation_unavailable.html",
        {"title": title, "reason": reason},
        status=status,
    )
