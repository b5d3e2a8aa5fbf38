"""JSON API v1 for clients without websockets (scripts, tools).

Authenticated by the session for now; token auth plugs into `api_view` later.
Every error is JSON: {"error": {"code": "<stable code>", "message": "...", ...}}.
POSTs stay CSRF-protected while the session is what authenticates them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, JsonResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache

from generation import selectors
from generation.forms import GenerationForm
from generation.models import Video
from generation.progress import job_snapshot
from generation.services import SubmissionRefused, job_submit
from generation.views import refusal_status, signed_in

ApiView = Callable[..., JsonResponse]


def api_error(status: int, code: str, message: str, **extra: Any) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message, **extra}}, status=status)


def api_view(*methods: str) -> Callable[[ApiView], ApiView]:
    """Signed-in people only, answered in JSON (401, 404, 405) instead of a login redirect.

    login_not_required only stops the middleware's HTML redirect: the check
    below refuses anonymous callers itself.
    """

    def decorate(view: ApiView) -> ApiView:
        @login_not_required
        @never_cache
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
            if not request.user.is_authenticated:
                return api_error(401, "not_authenticated", "Sign in first.")
            if request.method not in methods:
                response = api_error(405, "method_not_allowed", f"Use {', '.join(methods)}.")
                response["Allow"] = ", ".join(methods)
                return response
            try:
                return view(request, *args, **kwargs)
            except Http404:
                return api_error(404, "not_found", "No such object, or not yours.")

        return wrapper

    return decorate


@api_view("POST")
def jobs(request: HttpRequest) -> JsonResponse:
    """Signed-in people: submit a prompt (JSON body, the form's fields). 201 with one
    snapshot per variation."""
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return api_error(400, "malformed", "The body must be a JSON object.")
    if not isinstance(body, dict):
        return api_error(400, "malformed", "The body must be a JSON object.")
    form = GenerationForm({k: v for k, v in body.items() if v is not None})
    if not form.is_valid():
        fields = {name: [str(e) for e in errors] for name, errors in form.errors.items()}
        return api_error(400, "invalid", "Some fields are invalid.", fields=fields)
    submission = form.to_submission()
    try:
        created = job_submit(owner=signed_in(request), submission=submission)
    except SubmissionRefused as refused:
        decision = refused.decision
        response = api_error(refusal_status(decision), decision.code or "refused", decision.reason)
        if decision.retry_after is not None:
            response["Retry-After"] = str(decision.retry_after)
        return response
    return JsonResponse(
        {
            "jobs": [job_snapshot(job) for job in created],
            "adjustments": list(submission.adjustments),
        },
        status=201,
    )


@api_view("GET")
def job(request: HttpRequest, pk: int) -> JsonResponse:
    """The job's owner only: its snapshot (as the websocket sends it)."""
    return JsonResponse(job_snapshot(selectors.job_get_for_user(request.user, pk)))


@api_view("GET")
def videos(request: HttpRequest) -> JsonResponse:
    """Signed-in people: their own videos, newest first, paginated (?page=N)."""
    paginator = Paginator(selectors.videos_of(request.user), settings.GALLERY_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    base = reverse("api_videos")
    return JsonResponse(
        {
            "count": paginator.count,
            "page": page.number,
            "pages": paginator.num_pages,
            "next": f"{base}?page={page.next_page_number()}" if page.has_next() else None,
            "previous": f"{base}?page={page.previous_page_number()}"
            if page.has_previous()
            else None,
            "results": [video_json(video) for video in page],
        }
    )


def video_json(video: Video) -> dict[str, Any]:
    playable = not video.removed
    return {
        "id": video.pk,
        "job_id": video.job_id,
        "prompt": video.job.prompt,
        "width": video.width,
        "height": video.height,
        "num_frames": video.num_frames,
        "fps": video.fps,
        "duration_seconds": video.duration_seconds,
        "size_bytes": video.size_bytes,
        "seed": video.seed,
        "model": video.model_name,
        "created_at": video.created_at.isoformat(),
        "shared": video.shared,
        "hidden": video.hidden,
        "removed": video.removed,
        "url": reverse("video_media", args=[video.pk]) if playable else None,
        "poster_url": reverse("video_poster", args=[video.pk]) if playable else None,
        "detail_url": reverse("video_detail", args=[video.pk]),
    }
