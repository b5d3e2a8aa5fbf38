"""The moderators' workplace: the held queue, one-at-a-time review, bulk decisions, reports.

Every page here needs the "moderation.review" permission (MFA is enforced on
/admin/ by access's middleware). Rules are edited by whoever holds the usual
model permissions on Rule (staff). Decisions go through moderation.services.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse

from access.audit import audit_record
from moderation import selectors, services
from moderation.models import Appeal, ProtectedName, Report, ReviewStatus, Rule, Screening
from moderation.subjects import subject_label, subject_labels_fill, subject_media

REVIEW_PERMISSION = "moderation.review"


def can_review(request: HttpRequest) -> bool:
    return bool(request.user.is_active and request.user.has_perm(REVIEW_PERMISSION))


def _moderator(request: HttpRequest) -> User:
    if not can_review(request):
        raise PermissionDenied
    return request.user  # type: ignore[return-value]


class DecisionForm(forms.Form):
    # Radio buttons with none checked: a decision is always a choice the moderator made.
    decision = forms.ChoiceField(choices=[], widget=forms.RadioSelect)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # Whatever the artist is refused, they are told why.
        if (
            data.get("decision") in ("reject", "hide", "remove", "grant", "deny")
            and not data.get("reason", "").strip()
        ):
            self.add_error("reason", "Give a reason: the artist will read it.")
        return data


def _next_or_queue(item: Screening | Report | None, review_url: str) -> HttpResponse:
    """After a decision: straight on to the next waiting item, or back to the queue
    once nothing of that kind is left."""
    if item is None:
        return HttpResponseRedirect(reverse("admin:moderation_queue"))
    return HttpResponseRedirect(reverse(review_url, args=[item.pk]))


class ReviewAdminMixin:
    """View-only admin for moderators: decisions happen through the review pages."""

    admin_site: admin.AdminSite

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_review(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_review(request)

    def has_review_permission(self, request: HttpRequest) -> bool:
        return can_review(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def _wrap(self, view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        return self.admin_site.admin_view(view)

    def _bulk(
        self,
        request: HttpRequest,
        queryset: QuerySet[Any],
        *,
        decision: str,
        title: str,
        apply: Callable[[Any, User, str], bool],
    ) -> HttpResponse | None:
        """One confirmation page with a reason, then the same service per row."""
        moderator = _moderator(request)
        form = DecisionForm(
            request.POST if "confirm" in request.POST else None,
            choices=[(decision, title)],
            initial={"decision": decision},
        )
        if form.is_valid():
            done = sum(apply(obj, moderator, form.cleaned_data["reason"]) for obj in queryset)
            skipped = queryset.count() - done
            self.message_user(request, f"{title}: {done} done, {skipped} already decided.")  # type: ignore[attr-defined]
            return None
        return TemplateResponse(
            request,
            "admin/moderation/decide_bulk.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "objects": queryset,
                "form": form,
                "action": request.POST.get("action", ""),
                "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
                "opts": queryset.model._meta,
            },
        )


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    list_display = ["pattern", "kind", "scope", "category", "action", "enabled", "updated_at"]
    list_filter = ["enabled", "action", "category", "kind", "scope"]
    list_editable = ["enabled"]
    search_fields = ["pattern", "notes"]

    def save_model(self, request: HttpRequest, obj: Rule, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_record(
            action="moderation.rule.change" if change else "moderation.rule.create",
            request=request,
            target=f"moderation.rule:{obj.pk}",
            details={"pattern": obj.pattern, "action": obj.action, "enabled": obj.enabled},
        )

    def delete_model(self, request: HttpRequest, obj: Rule) -> None:
        audit_record(
            action="moderation.rule.delete",
            request=request,
            target=f"moderation.rule:{obj.pk}",
            details={"pattern": obj.pattern},
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Rule]) -> None:
        for rule in queryset:
            self.delete_model(request, rule)


@admin.register(ProtectedName)
class ProtectedNameAdmin(admin.ModelAdmin):
    """Staff (usual model permissions) keep the names that name rules always know."""

    list_display = ["name", "enabled", "created_at"]
    list_filter = ["enabled"]
    list_editable = ["enabled"]
    search_fields = ["name", "notes"]

    def save_model(self, request: HttpRequest, obj: ProtectedName, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_record(
            action="moderation.protected_name.change"
            if change
            else "moderation.protected_name.create",
            request=request,
            target=f"moderation.protectedname:{obj.pk}",
            details={"name": obj.name, "enabled": obj.enabled},
        )

    def delete_model(self, request: HttpRequest, obj: ProtectedName) -> None:
        audit_record(
            action="moderation.protected_name.delete",
            request=request,
            target=f"moderation.protectedname:{obj.pk}",
            details={"name": obj.name},
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ProtectedName]) -> None:
        for name in queryset:
            self.delete_model(request, name)


class ReviewStatusFilter(admin.SimpleListFilter):
    """The review status, opening on "pending" (the work to do); "All" is a choice."""

    title = "review status"
    parameter_name = "review_status__exact"
    ALL = "all"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(value, str(label)) for value, label in ReviewStatus.choices]

    def value(self) -> str:
        return super().value() or ReviewStatus.PENDING

    def queryset(self, request: HttpRequest, queryset: QuerySet[Screening]) -> QuerySet[Screening]:
        if self.value() == self.ALL:
            return queryset
        return queryset.filter(review_status=self.value())

    def choices(self, changelist: Any) -> Any:
        yield {
            "selected": self.value() == self.ALL,
            "query_string": changelist.get_query_string({self.parameter_name: self.ALL}),
            "display": "All",
        }
        for value, label in self.lookup_choices:
            yield {
                "selected": self.value() == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }


class SubjectLabelsMixin:
    """Changelists name subjects readably ("Job #10 by ana@example.com"), one lookup
    per subject type for the whole page."""

    def get_changelist_instance(self, request: HttpRequest) -> Any:
        changelist = super().get_changelist_instance(request)  # type: ignore[misc]
        subject_labels_fill(changelist.result_list)
        return changelist

    @admin.display(description="subject")
    def subject_name(self, obj: Any) -> str:
        known = getattr(obj, "subject_label", None)
        return known or subject_label(obj.subject_type, obj.subject_id)


@admin.register(Screening)
class ScreeningAdmin(SubjectLabelsMixin, ReviewAdminMixin, admin.ModelAdmin):
    list_display = [
        "created_at",
        "subject_name",
        "submitter",
        "text_excerpt",
        "verdict",
        "category",
        "review_status",
    ]
    list_filter = [ReviewStatusFilter, "verdict", "category"]
    search_fields = ["text", "submitter__email"]
    actions = ["approve_selected", "reject_selected"]

    @admin.display(description="text")
    def text_excerpt(self, obj: Screening) -> str:
        return obj.text if len(obj.text) <= 90 else obj.text[:89] + "…"

    def get_ordering(self, request: HttpRequest) -> tuple[str, ...]:
        # The held queue is worked oldest first; the full record reads newest first.
        if request.GET.get("review_status__exact", ReviewStatus.PENDING) == ReviewStatus.PENDING:
            return ("created_at", "id")
        return ("-created_at", "-id")

    def get_urls(self) -> list[URLPattern]:
        return [
            path("queue/", self._wrap(self.queue_view), name="moderation_queue"),
            path(
                "<int:pk>/review/", self._wrap(self.review_view), name="moderation_screening_review"
            ),
            *super().get_urls(),
        ]

    def change_view(
        self, request: HttpRequest, object_id: str, *args: Any, **kwargs: Any
    ) -> HttpResponse:
        return redirect("admin:moderation_screening_review", pk=int(object_id))

    def queue_view(self, request: HttpRequest) -> HttpResponse:
        _moderator(request)
        return TemplateResponse(
            request,
            "admin/moderation/queue.html",
            {
                **self.admin_site.each_context(request),
                "title": "Moderation queue",
                "screenings": subject_labels_fill(selectors.review_queue()),
                "reports": subject_labels_fill(selectors.report_queue()),
                "appeals": selectors.appeal_queue(),
            },
        )

    def review_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        moderator = _moderator(request)
        screening = get_object_or_404(Screening.objects.select_related("submitter"), pk=pk)
        choices = [("approve", "Approve"), ("reject", "Reject")]
        form = DecisionForm(request.POST or None, choices=choices)
        if request.method == "POST" and form.is_valid():
            return self._decide(request, screening, moderator, form.cleaned_data)
        return TemplateResponse(
            request,
            "admin/moderation/review.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Review {subject_label(screening.subject_type, screening.subject_id)}",
                "subject_label": subject_label(screening.subject_type, screening.subject_id),
                "screening": screening,
                "segments": selectors.highlighted_segments(screening),
                "history": selectors.submitter_history(
                    submitter=screening.submitter, exclude_id=screening.pk
                ),
                "counts": selectors.submitter_verdict_counts(submitter=screening.submitter),
                "form": form,
                "pending": screening.review_status == ReviewStatus.PENDING,
                "opts": Screening._meta,
            },
        )

    def _decide(
        self,
        request: HttpRequest,
        screening: Screening,
        moderator: User,
        data: dict[str, Any],
    ) -> HttpResponse:
        decide = (
            services.review_approve if data["decision"] == "approve" else services.review_reject
        )
        label = subject_label(screening.subject_type, screening.subject_id)
        if decide(screening=screening, moderator=moderator, reason=data["reason"], request=request):
            done = "approved" if data["decision"] == "approve" else "rejected"
            messages.success(request, f"{label}: {done}.")
        else:
            messages.warning(request, f"{label} was already decided.")
        return _next_or_queue(
            selectors.review_queue().exclude(pk=screening.pk).first(),
            "admin:moderation_screening_review",
        )

    @admin.action(description="Approve selected held prompts", permissions=["review"])
    def approve_selected(
        self, request: HttpRequest, queryset: QuerySet[Screening]
    ) -> HttpResponse | None:
        return self._bulk(
            request,
            queryset,
            decision="approve",
            title="Approve",
            apply=lambda s, m, reason: services.review_approve(
                screening=s, moderator=m, reason=reason, request=request
            ),
        )

    @admin.action(description="Reject selected held prompts", permissions=["review"])
    def reject_selected(
        self, request: HttpRequest, queryset: QuerySet[Screening]
    ) -> HttpResponse | None:
        return self._bulk(
            request,
            queryset,
            decision="reject",
            title="Reject",
            apply=lambda s, m, reason: services.review_reject(
                screening=s, moderator=m, reason=reason, request=request
            ),
        )


REPORT_DONE = {"hide": "hidden from the community", "remove": "removed", "dismiss": "dismissed"}

REPORT_DECISIONS: dict[str, Callable[..., bool]] = {
    "hide": services.report_hide,
    "remove": services.report_remove,
    "dismiss": services.report_dismiss,
}


@admin.register(Report)
class ReportAdmin(SubjectLabelsMixin, ReviewAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "subject_name", "reporter", "subject_owner", "status"]
    list_filter = ["status", "subject_type"]
    search_fields = ["reason", "subject_text", "reporter__email"]
    actions = ["hide_selected", "remove_selected", "dismiss_selected"]

    def get_ordering(self, request: HttpRequest) -> tuple[str, ...]:
        if request.GET.get("status__exact") == Report.Status.OPEN:
            return ("created_at", "id")
        return ("-created_at", "-id")

    def get_urls(self) -> list[URLPattern]:
        return [
            path("<int:pk>/review/", self._wrap(self.review_view), name="moderation_report_review"),
            *super().get_urls(),
        ]

    def change_view(
        self, request: HttpRequest, object_id: str, *args: Any, **kwargs: Any
    ) -> HttpResponse:
        return redirect("admin:moderation_report_review", pk=int(object_id))

    def review_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        moderator = _moderator(request)
        report = get_object_or_404(
            Report.objects.select_related("reporter", "subject_owner"), pk=pk
        )
        choices = [
            ("hide", "Hide from the community"),
            ("remove", "Remove"),
            ("dismiss", "Dismiss"),
        ]
        form = DecisionForm(request.POST or None, choices=choices)
        if request.method == "POST" and form.is_valid():
            decision = form.cleaned_data["decision"]
            done = REPORT_DECISIONS[decision](
                report=report,
                moderator=moderator,
                reason=form.cleaned_data["reason"],
                request=request,
            )
            label = subject_label(report.subject_type, report.subject_id)
            if done:
                messages.success(request, f"{label}: {REPORT_DONE[decision]}.")
            else:
                messages.warning(request, f"{label} was already decided.")
            return _next_or_queue(
                selectors.report_queue().exclude(pk=report.pk).first(),
                "admin:moderation_report_review",
            )
        return TemplateResponse(
            request,
            "admin/moderation/report_review.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Report on {subject_label(report.subject_type, report.subject_id)}",
                "subject_label": subject_label(report.subject_type, report.subject_id),
                "media": subject_media(report.subject_type, report.subject_id),
                "report": report,
                "others": selectors.reports_on_subject(
                    subject_type=report.subject_type, subject_id=report.subject_id
                ).exclude(pk=report.pk),
                "history": selectors.submitter_history(submitter=report.subject_owner),
                "form": form,
                "open": report.status in (Report.Status.OPEN, Report.Status.HIDDEN),
                "opts": Report._meta,
            },
        )

    def _report_bulk(
        self, request: HttpRequest, queryset: QuerySet[Report], decision: str
    ) -> HttpResponse | None:
        decide = REPORT_DECISIONS[decision]
        return self._bulk(
            request,
            queryset,
            decision=decision,
            title=decision.capitalize(),
            apply=lambda r, m, reason: decide(
                report=r, moderator=m, reason=reason, request=request
            ),
        )

    @admin.action(description="Hide selected subjects from the community", permissions=["review"])
    def hide_selected(
        self, request: HttpRequest, queryset: QuerySet[Report]
    ) -> HttpResponse | None:
        return self._report_bulk(request, queryset, "hide")

    @admin.action(description="Remove selected subjects", permissions=["review"])
    def remove_selected(
        self, request: HttpRequest, queryset: QuerySet[Report]
    ) -> HttpResponse | None:
        return self._report_bulk(request, queryset, "remove")

    @admin.action(description="Dismiss selected reports", permissions=["review"])
    def dismiss_selected(
        self, request: HttpRequest, queryset: QuerySet[Report]
    ) -> HttpResponse | None:
        return self._report_bulk(request, queryset, "dismiss")


@admin.register(Appeal)
class AppealAdmin(ReviewAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "screening", "appellant", "status"]
    list_filter = ["status"]
    search_fields = ["message", "appellant__email"]

    def get_urls(self) -> list[URLPattern]:
        return [
            path("<int:pk>/review/", self._wrap(self.review_view), name="moderation_appeal_review"),
            *super().get_urls(),
        ]

    def change_view(
        self, request: HttpRequest, object_id: str, *args: Any, **kwargs: Any
    ) -> HttpResponse:
        return redirect("admin:moderation_appeal_review", pk=int(object_id))

    def review_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        moderator = _moderator(request)
        appeal = get_object_or_404(
            Appeal.objects.select_related("appellant", "screening", "screening__reviewed_by"),
            pk=pk,
        )
        choices = [("grant", "Grant (undo the refusal)"), ("deny", "Turn down")]
        form = DecisionForm(request.POST or None, choices=choices)
        if request.method == "POST" and form.is_valid():
            grant = form.cleaned_data["decision"] == "grant"
            done = services.appeal_decide(
                appeal=appeal,
                moderator=moderator,
                grant=grant,
                reason=form.cleaned_data["reason"],
                request=request,
            )
            if done:
                messages.success(request, f"Appeal on {appeal.screening.subject}: decided.")
            else:
                messages.warning(
                    request, f"Appeal on {appeal.screening.subject} was already decided."
                )
            return HttpResponseRedirect(reverse("admin:moderation_queue"))
        return TemplateResponse(
            request,
            "admin/moderation/appeal_review.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Appeal on {appeal.screening.subject}",
                "appeal": appeal,
                "screening": appeal.screening,
                "segments": selectors.highlighted_segments(appeal.screening),
                "form": form,
                "pending": appeal.status == Appeal.Status.PENDING,
                "opts": Appeal._meta,
            },
        )
