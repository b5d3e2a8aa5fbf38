"""Admin for jobs and videos: a read-only window for staff and moderators.

Nobody edits a Job or a Video here: status changes go through the state machine
(generation/transitions.py) and moderation decisions through moderation's admin,
which announce them as signals. Moderators hold generation.view_job and
generation.view_video, which Django's admin shows as view-only pages.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import Truncator

from generation.models import Job, ModelEntry, Video, Worker
from generation.workers import LIVE_SECONDS


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
