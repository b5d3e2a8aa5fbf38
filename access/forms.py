"""The signup form, fixed to the address the invitation was sent to."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from allauth.account.forms import SignupForm
from allauth.core import context
from django import forms
from django.contrib.auth.models import User
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from access.models import Invitation, TokenScope
from access.selectors import SESSION_INVITATION_KEY, invitation_from_session
from access.services import InvitationUnavailable, invitation_accept


class InvitationSignupForm(SignupForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # allauth builds the form without the request; its middleware keeps the
        # current one in a context variable. The signup view only gets here after
        # the adapter found a pending invitation, but re-check rather than trust it.
        request = context.request
        self.invitation: Invitation | None = (
            invitation_from_session(request) if request is not None else None
        )
        if self.invitation is not None and "email" in self.fields:
            email_field = self.fields["email"]
            email_field.initial = self.invitation.email
            email_field.widget.attrs["readonly"] = True
            email_field.help_text = "Your invitation is for this address."

    def clean_email(self) -> str:
        value = (self.cleaned_data.get("email") or "").strip().lower()
        if self.invitation is None:
            raise forms.ValidationError("Signup is by invitation only.")
        if value != self.invitation.email.lower():
            raise forms.ValidationError(f"This invitation is for {self.invitation.email}.")
        return str(super().clean_email())

    def try_save(self, request: HttpRequest) -> tuple[User | None, HttpResponse | None]:
        invitation = self.invitation
        if invitation is None:
            return None, _invitation_gone(request)
        try:
            # One transaction: if another signup won the invitation, the account
            # created here is rolled back and nothing is left behind.
            with transaction.atomic():
                user, response = super().try_save(request)
                if user is not None:
                    invitation_accept(invitation=invitation, user=user, request=request)
        except InvitationUnavailable:
            return None, _invitation_gone(request)
        if user is not None:
            request.session.pop(SESSION_INVITATION_KEY, None)
        return user, response


def _invitation_gone(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_INVITATION_KEY, None)
    return render(
        request,
        "access/invitation_unavailable.html",
        {
            "title": "This invitation can no longer be used",
            "reason": "It was used, revoked or expired while you were signing up, "
            "so no account was created.",
        },
        status=410,
    )


EXPIRY_CHOICES = [("30", "30 days"), ("90", "90 days"), ("365", "1 year"), ("", "Never")]


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        max_length=64, help_text="What uses it, e.g. “render script on my laptop”."
    )
    scopes = forms.MultipleChoiceField(
        choices=TokenScope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[TokenScope.SUBMIT, TokenScope.READ],
    )
    expires_in_days = forms.TypedChoiceField(
        choices=EXPIRY_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        initial="90",
        label="Expires",
    )

    def expires_at(self) -> datetime | None:
        days = self.cleaned_data.get("expires_in_days")
        return timezone.now() + timedelta(days=days) if days else None
