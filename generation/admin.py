"""Admin for jobs and videos: a read-only window for staff and moderators.

Nobody edits a Job or a Video here: status changes go through the state machine
(generation/transitions.py) and moderation decisions through moderation's admin,
which announce them as signals. Moderators hold generation.view_job and
generation.view_video, which Django's admin shows as view-only pages.
"""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any, cast

from django import forms
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.text import Truncator

from access.roles import is_staff_member
from generation.models import Job, ModelEntry, Video, Worker
from generation.provenance.trace import file_trace
from generation.workers import LIVE_SECONDS

TRACE_MAX_BYTES = 512 * 1024 * 1024


class TraceForm(forms.Form):
    file = forms.FileField(help_text="An MP4, WebM, JPEG or PNG file, up to 512 MB.")

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > TRACE_MAX_BYTES:
            raise forms.ValidationError("That file is over 512 MB; trim it first.")
        return upload


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in self.model._meta.fields]


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    list_display = ["id", "owner", "status", "created_at", "prompt_excerpt"]
    list_filter = ["status", "model_name"]
    search_fields = ["prompt", "owner__email", "owner__username"]
    date_hierarchy = "created_at"
    list_select_related = ["owner"]

    @admin.display(description="Prompt")
    def prompt_excerpt(self, job: Job) -> str:
        return Truncator(job.prompt).chars(80)


@admin.register(Video)
class VideoAdmin(ReadOnlyAdmin):
    list_display = ["id", "owner", "job", "shared", "hidden", "removed", "created_at"]
    list_filter = ["shared", "hidden", "removed"]
    search_fields = ["job__prompt", "owner__email", "owner__username"]
    list_select_related = ["owner", "job"]
    change_list_template = "generation/admin/video_changelist.html"

    def get_urls(self) -> list[URLPattern]:
        trace = path(
            "trace/", self.admin_site.admin_view(self.trace_view), name="generation_video_trace"
        )
        return [trace, *super().get_urls()]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        extra = {**(extra_context or {}), "can_trace": is_staff_member(request.user)}
        return super().changelist_view(request, extra)

    def trace_view(self, request: HttpRequest) -> HttpResponse:
        """Staff only: tracing names accounts, so moderators may not."""
        if not is_staff_member(request.user):
            raise PermissionDenied
        form = TraceForm(request.POST or None, request.FILES or None)
        trace = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            with tempfile.TemporaryDirectory(prefix="studio-trace-") as tmp:
                target = Path(tmp) / "upload"
                with target.open("wb") as handle:
                    for chunk in upload.chunks():
                        handle.write(chunk)
                by = cast(User, request.user)
                trace = file_trace(path=target, name=upload.name, by=by, request=request)
        context = {
            **self.admin_site.each_context(request),
            "title": "Trace a file",
            "form": form,
            "trace": trace,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "generation/admin/trace.html", context)


@admin.register(ModelEntry)
class ModelEntryAdmin(admin.ModelAdmin):
    """Staff's model catalogue: what workers may serve and who may use it."""

    list_display = ["name", "display_name", "source", "dtype", "offload", "roles", "enabled"]
    list_filter = ["enabled"]
    search_fields = ["name", "display_name", "source"]


@admin.register(Worker)
class WorkerAdmin(ReadOnlyAdmin):
    """The Workers page: every worker process that announced itself, alive or not."""

    list_display = ["name", "host", "device", "model_name", "current_job", "heartbeat_at", "alive"]
    list_filter = ["model_name", "host"]

    @admin.display(boolean=True, description="Alive")
    def alive(self, worker: Worker) -> bool:
        return worker.heartbeat_at >= timezone.now() - timedelta(seconds=LIVE_SECONDS)
