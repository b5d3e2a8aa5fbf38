"""Admin for jobs and videos: a read-only window for staff and moderators.

Nobody edits a Job or a Video here: status changes go through the state machine
(generation/transitions.py) and moderation decisions through moderation's admin,
which announce them as signals. Moderators hold generation.view_job and
generation.view_video, which Django's admin shows as view-only pages.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.text import Truncator

from generation.models import Job, Video


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
