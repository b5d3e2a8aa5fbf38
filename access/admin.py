"""Admin for invitations (create, list, revoke) and the read-only audit log."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from access.models import AuditEvent, Invitation
from access.roles import Role
from access.services import (
    invitation_create,
    invitation_email_clean,
    invitation_link,
    invitation_revoke,
    invitation_send,
)


class InvitationCreateForm(forms.ModelForm):
    days = forms.IntegerField(
        min_value=1,
        initial=settings.INVITATION_DAYS,
        help_text="How long the link stays valid.",
    )

    class Meta:
        model = Invitation
        fields = ["email", "role"]

    def clean_email(self) -> str:
        return invitation_email_clean(self.cleaned_data["email"])


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "role", "status_label", "created_by", "created_at", "expires_at"]
    list_filter = ["role", "is_bootstrap"]
    search_fields = ["email"]
    actions = ["revoke_selected"]
    # Shown on an existing invitation (view only). token_hash is never shown.
    readonly_fields = [
        "email",
        "role",
        "status_label",
        "created_by",
        "created_at",
        "expires_at",
        "used_at",
        "used_by",
        "revoked_at",
        "revoked_by",
        "is_bootstrap",
    ]

    @admin.display(description="Status")
    def status_label(self, obj: Invitation) -> str:
        return obj.status.label

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):  # type: ignore[override]
        if obj is None:
            kwargs["form"] = InvitationCreateForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:  # type: ignore[override]
        if obj is None:
            return ["email", "role", "days"]
        return list(self.readonly_fields)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:  # type: ignore[override]
        return [] if obj is None else list(self.readonly_fields)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # an invitation is never edited: revoke it and send a new one

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # kept as the record of who invited whom

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("access.change_invitation")

    def save_form(self, request: HttpRequest, form: Any, change: bool) -> Invitation:
        # The service creates the row (hashing the token, auditing); save_model
        # below must not save it a second time.
        invitation, token = invitation_create(
            email=form.cleaned_data["email"],
            role=Role(form.cleaned_data["role"]),
            invited_by=cast(User, request.user),  # the admin only lets signed-in staff here
            days=form.cleaned_data["days"],
            request=request,
        )
        base_url = settings.SITE_URL or request.build_absolute_uri("/")
        invitation_send(invitation=invitation, token=token, base_url=base_url)
        # The raw token exists only in this request: this message is the one
        # place the link is ever shown.
        link = invitation_link(token=token, base_url=base_url)
        self.message_user(
            request,
            f"Invitation emailed to {invitation.email} as {invitation.get_role_display()}. "
            f"The link, shown only this once: {link}",
            messages.SUCCESS,
        )
        return invitation

    def save_model(self, request: HttpRequest, obj: Invitation, form: Any, change: bool) -> None:
        pass  # saved by invitation_create in save_form

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        pass  # no many-to-many fields, and the form never saved an instance itself

    def response_add(
        self, request: HttpRequest, obj: Invitation, post_url_continue: str | None = None
    ) -> HttpResponse:
        # save_form said everything; skip the admin's "added, edit it again" page.
        return HttpResponseRedirect(reverse("admin:access_invitation_changelist"))

    @admin.action(description="Revoke selected invitations", permissions=["revoke"])
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet[Invitation]) -> None:
        by = cast(User, request.user)
        revoked, refused = 0, []
        for invitation in queryset:
            try:
                revoked += invitation_revoke(invitation=invitation, by=by, request=request)
            except ValidationError as exc:
                refused.extend(exc.messages)
        self.message_user(request, f"Revoked {revoked} invitation(s).", messages.SUCCESS)
        for message in refused:
            self.message_user(request, message, messages.ERROR)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor_label", "action", "target", "ip"]
    list_filter = ["action", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["actor_label", "target"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "created_at",
        "actor",
        "actor_label",
        "action",
        "target",
        "ip",
        "user_agent",
        "details",
    ]

    # Append-only: staff (and moderators) read it; nobody adds, edits or deletes.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
