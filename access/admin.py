"""Admin for invitations, people (revoke/restore), the site pause, quotas, API tokens
and the read-only audit log. Every change goes through access.services."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from access.models import ApiToken, AuditEvent, Invitation, Quota, Revocation, SiteState
from access.roles import Role, is_staff_member
from access.selectors import cohort_of, inviter_of, site_state
from access.services import (
    cohort_revoke,
    invitation_create,
    invitation_email_clean,
    invitation_link,
    invitation_revoke,
    invitation_send,
    person_restore,
    person_revoke,
    quota_clear,
    quota_set,
    site_pause,
    site_resume,
    token_revoke,
    token_unsuspend,
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
    # Adds "Export CSV / JSON Lines" links that carry the changelist's action filter.
    change_list_template = "access/admin/auditevent_change_list.html"
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

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        context = dict(extra_context or {})
        context["can_export"] = is_staff_member(request.user)
        context["export_action"] = request.GET.get("action__exact", "")
        return super().changelist_view(request, context)


# --- people: revoke and restore ------------------------------------------------------


class RevokeForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text="Recorded in the audit log with your name.",
    )


admin.site.unregister(User)


@admin.register(User)
class PersonAdmin(UserAdmin):
    """Django's user admin, plus revoking and restoring access through access.services."""

    actions = ["revoke_access", "revoke_with_invitees", "restore_access"]
    list_display = ["email", "username", "is_active", "is_staff", "last_login", "invited_by"]
    readonly_fields = ["invited_by", "invitation_tree"]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is not None:
            fieldsets.append(("Invitations", {"fields": ["invited_by", "invitation_tree"]}))
        return fieldsets

    @admin.display(description="Invited by")
    def invited_by(self, person: User) -> str:
        inviter = inviter_of(person)
        return inviter.email if inviter is not None else "-"

    @admin.display(description="Invited (and whom they invited)")
    def invitation_tree(self, person: User) -> str:
        below = cohort_of(person)[1:]
        if not below:
            return "nobody"
        rows = format_html_join(
            "",
            "<li>{}{}{}</li>",
            (  # indented with em spaces: the CSP allows no inline styles
                ("\u2003" * 2 * (depth - 1), member.email, "" if member.is_active else " (revoked)")
                for member, depth in below
            ),
        )
        return format_html('<ul class="invitation-tree">{}</ul>', rows)

    @admin.action(description="Revoke with invitees", permissions=["revoke"])
    def revoke_with_invitees(
        self, request: HttpRequest, queryset: QuerySet[User]
    ) -> HttpResponse | None:
        form = RevokeForm(request.POST if "confirm" in request.POST else None)
        if not form.is_valid():
            return self._revoke_confirm_page(request, queryset, form, with_invitees=True)
        by = cast(User, request.user)
        for person in queryset:
            members = cohort_revoke(
                user=person, by=by, reason=form.cleaned_data["reason"], request=request
            )
            revoked = [m.user.email for m in members if m.outcome == "revoked"]
            refused = [
                f"{m.user.email}: {m.outcome}"
                for m in members
                if m.revoked is None and m.outcome != "already revoked"
            ]
            self.message_user(
                request,
                f"Revoked {len(revoked)} people from {person.email}'s invitation tree: "
                f"{', '.join(revoked) or 'none'}.",
                messages.SUCCESS if revoked else messages.WARNING,
            )
            if refused:
                self.message_user(request, "Not revoked: " + "; ".join(refused), messages.ERROR)
        return None

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return is_staff_member(request.user) and request.user.has_perm("auth.change_user")

    @admin.action(description="Revoke access", permissions=["revoke"])
    def revoke_access(self, request: HttpRequest, queryset: QuerySet[User]) -> HttpResponse | None:
        form = RevokeForm(request.POST if "confirm" in request.POST else None)
        if not form.is_valid():
            return self._revoke_confirm_page(request, queryset, form)
        by = cast(User, request.user)
        for person in queryset:
            try:
                result = person_revoke(
                    user=person, by=by, reason=form.cleaned_data["reason"], request=request
                )
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
                continue
            self.message_user(
                request,
                f"Revoked {person.email}: {result.sessions_ended} session(s) ended, "
                f"{result.tokens_revoked} token(s) and {result.invitations_revoked} "
                "invitation(s) revoked.",
                messages.SUCCESS,
            )
        return None

    def _revoke_confirm_page(
        self,
        request: HttpRequest,
        queryset: QuerySet[User],
        form: RevokeForm,
        *,
        with_invitees: bool = False,
    ) -> HttpResponse:
        # With invitees, the page is the dry run: everyone who would be cut off.
        affected = (
            [(m, d) for person in queryset for m, d in cohort_of(person) if m.is_active]
            if with_invitees
            else [(person, 0) for person in queryset]
        )
        context = {
            **self.admin_site.each_context(request),
            "title": "Revoke with invitees" if with_invitees else "Revoke access",
            "people": queryset,
            "affected": affected,
            "action": "revoke_with_invitees" if with_invitees else "revoke_access",
            "form": form,
            "opts": self.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "access/admin/revoke_confirm.html", context)

    @admin.action(description="Restore access", permissions=["revoke"])
    def restore_access(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        by = cast(User, request.user)
        for person in queryset:
            try:
                person_restore(user=person, by=by, request=request)
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
            else:
                self.message_user(request, f"Restored {person.email}.", messages.SUCCESS)


@admin.register(Revocation)
class RevocationAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "revoked_by", "reason", "restored_at", "restored_by"]
    list_filter = [("restored_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__email", "reason"]

    # A record of what happened: made and closed only by the revoke/restore services.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- the site pause ------------------------------------------------------------------


class PauseForm(forms.Form):
    reason = forms.CharField(
        max_length=1000, help_text="Shown on every page and on the public status page."
    )
    lockout = forms.BooleanField(
        required=False, help_text="Also sign out everyone but staff until the studio resumes."
    )


@admin.register(SiteState)
class SiteStateAdmin(admin.ModelAdmin):
    """One page with the current state and a Pause or Resume button."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = PauseForm(request.POST if "pause" in request.POST else None)
        if request.method == "POST":
            if not self.has_change_permission(request):
                raise PermissionDenied
            done = self._apply(request, form)
            if done:
                return HttpResponseRedirect(request.path)
        context = {
            **self.admin_site.each_context(request),
            "title": "Site state",
            "state": site_state(),
            "form": form,
            "can_change": self.has_change_permission(request),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "access/admin/site_state.html", context)

    def change_view(
        self, request: HttpRequest, object_id: str, *args: Any, **kwargs: Any
    ) -> HttpResponse:  # type: ignore[override]
        return HttpResponseRedirect(reverse("admin:access_sitestate_changelist"))

    def _apply(self, request: HttpRequest, form: PauseForm) -> bool:
        by = cast(User, request.user)
        try:
            if "resume" in request.POST:
                site_resume(by=by, request=request)
                self.message_user(request, "Resumed: the studio accepts work again.")
                return True
            if not form.is_valid():
                return False
            site_pause(
                by=by,
                reason=form.cleaned_data["reason"],
                lockout=form.cleaned_data["lockout"],
                request=request,
            )
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return True
        self.message_user(request, "Paused. Running jobs are parked; queued jobs are kept.")
        return True


# --- quotas --------------------------------------------------------------------------


@admin.register(Quota)
class QuotaAdmin(admin.ModelAdmin):
    list_display = ["user", "daily_seconds", "max_concurrent", "updated_at"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:  # type: ignore[override]
        return ["user"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Quota, form: Any, change: bool) -> None:
        # Through the service, so every change is audited with before and after.
        saved = quota_set(
            user=obj.user,
            daily_seconds=obj.daily_seconds,
            max_concurrent=obj.max_concurrent,
            by=cast(User, request.user),
            request=request,
        )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: Quota) -> None:
        quota_clear(user=obj.user, by=cast(User, request.user), request=request)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Quota]) -> None:
        for quota in queryset.select_related("user"):
            self.delete_model(request, quota)


# --- API tokens ----------------------------------------------------------------------


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = [
        "prefix",
        "name",
        "user",
        "status_label",
        "scopes",
        "expires_at",
        "last_used_at",
        "last_used_ip",
    ]
    list_filter = [
        ("revoked_at", admin.EmptyFieldListFilter),
        ("suspended_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["prefix", "name", "user__email"]
    actions = ["revoke_selected", "unsuspend_selected"]
    # The digest is never shown; tokens are created by their owners only.
    exclude = ["digest"]
    readonly_fields = [
        "user",
        "name",
        "prefix",
        "scopes",
        "created_at",
        "expires_at",
        "revoked_at",
        "suspended_at",
        "suspend_reason",
        "last_used_at",
        "last_used_ip",
        "last_used_agent",
    ]

    @admin.display(description="Status")
    def status_label(self, obj: ApiToken) -> str:
        return obj.status.label

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request)  # actions, not edits

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoked tokens stay as the record of who had access

    @admin.action(description="Revoke selected tokens", permissions=["change"])
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        by = cast(User, request.user)
        count = sum(token_revoke(token=token, by=by, request=request) for token in queryset)
        self.message_user(request, f"Revoked {count} token(s).", messages.SUCCESS)

    @admin.action(description="Lift suspension of selected tokens", permissions=["change"])
    def unsuspend_selected(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        by = cast(User, request.user)
        count = sum(token_unsuspend(token=token, by=by, request=request) for token in queryset)
        self.message_user(request, f"Lifted the suspension of {count} token(s).", messages.SUCCESS)
