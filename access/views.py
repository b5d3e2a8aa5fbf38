"""The invitation link (the one page an outsider can reach besides login and status),
a person's own API tokens, and the audit log export for staff."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import wraps
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from access.audit import audit_record
from access.export import audit_filtered, csv_lines, jsonl_lines
from access.forms import TokenCreateForm
from access.models import ApiToken, Invitation, InvitationStatus
from access.roles import is_staff_member
from access.selectors import SESSION_INVITATION_KEY, has_totp, invitation_lookup
from access.services import token_create, token_revoke

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


# --- a person's own API tokens ------------------------------------------------------

View = Callable[..., HttpResponseBase]


def _get_token_for_user(request: HttpRequest, pk: int) -> ApiToken:
    """The signed-in person's own token, or 404: nobody learns that others' tokens exist."""
    return get_object_or_404(ApiToken, pk=pk, user=cast(User, request.user))


def _token_list_page(
    request: HttpRequest, form: TokenCreateForm, *, status: int = 200
) -> HttpResponse:
    tokens = ApiToken.objects.filter(user=cast(User, request.user))
    return render(
        request, "access/token_list.html", {"tokens": tokens, "form": form}, status=status
    )


@never_cache
@require_GET
def token_list(request: HttpRequest) -> HttpResponse:
    """Signed-in people (LoginRequiredMiddleware): their own tokens and the create form."""
    return _token_list_page(request, TokenCreateForm())


@never_cache  # the response carries the raw token: no cache may keep it
@require_POST
def token_create_view(request: HttpRequest) -> HttpResponse:
    """Signed-in people: create a token for themselves; the raw value is shown only here."""
    form = TokenCreateForm(request.POST)
    if not form.is_valid():
        return _token_list_page(request, form, status=400)
    try:
        token, raw = token_create(
            user=cast(User, request.user),
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            expires_at=form.expires_at(),
            request=request,
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return _token_list_page(request, form, status=400)
    # Rendered, not redirected: the raw token must not travel through the session
    # or a message cookie.
    return render(request, "access/token_created.html", {"token": token, "raw": raw})


@require_POST
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Signed-in people: revoke one of their own tokens."""
    token = _get_token_for_user(request, pk)
    if token_revoke(token=token, by=cast(User, request.user), request=request):
        messages.success(request, f"Token {token.prefix} ({token.name}) revoked.")
    else:
        messages.info(request, f"Token {token.prefix} was already revoked.")
    return redirect("token_list")


# --- audit export (staff) ----------------------------------------------------------


def staff_with_audit_permission(view: View) -> View:
    """Staff holding access.view_auditevent, with TOTP enrolled; 403 for everyone else
    signed in (anonymous visitors are sent to sign in by LoginRequiredMiddleware)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if not (user.has_perm("access.view_auditevent") and is_staff_member(user)):
            return HttpResponseForbidden("Only staff can export the audit log.")
        if not has_totp(cast(User, user)):
            return redirect("mfa_activate_totp")
        return view(request, *args, **kwargs)

    return wrapper


def _export(request: HttpRequest, *, kind: str) -> HttpResponseBase:
    try:
        events = audit_filtered(request.GET)
    except ValidationError as exc:
        return HttpResponseBadRequest(" ".join(exc.messages), content_type="text/plain")
    # Who read the log is itself worth knowing.
    audit_record(
        action="audit.export", request=request, details={"format": kind, **_filters(request)}
    )
    lines: Iterator[str] = csv_lines(events) if kind == "csv" else jsonl_lines(events)
    content_type = "text/csv" if kind == "csv" else "application/x-ndjson"
    response = StreamingHttpResponse(lines, content_type=f"{content_type}; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.{kind}"'
    return response


def _filters(request: HttpRequest) -> dict[str, str]:
    return {
        key: request.GET[key][:64] for key in ("action", "since", "until") if request.GET.get(key)
    }


@staff_with_audit_permission
@never_cache
@require_GET
def audit_export_csv(request: HttpRequest) -> HttpResponseBase:
    """Staff: the audit log as CSV (?action=&since=&until=)."""
    return _export(request, kind="csv")


@staff_with_audit_permission
@never_cache
@require_GET
def audit_export_jsonl(request: HttpRequest) -> HttpResponseBase:
    """Staff: the audit log as JSON Lines (?action=&since=&until=)."""
    return _export(request, kind="jsonl")
