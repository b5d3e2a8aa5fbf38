"""JSON API v1 for clients without websockets (scripts, tools).

Authenticated by a personal API token (`Authorization: Bearer sora_...`, scoped
"submit" or "read") or by the browser session. Every error is JSON:
{"error": {"code": "<stable code>", "message": "...", ...}}. Session-authenticated
POSTs stay CSRF-protected; token requests carry no cookies, so CSRF does not apply.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from access.audit import client_ip
from access.errors import ErrorCode, refusal_parts
from access.services import token_authenticate
from access.tokens import TokenError, bearer_token
from generation import selectors
from generation.forms import GenerationForm
from generation.models import Video
from generation.openapi import openapi_document
from generation.progress import job_snapshot
from generation.services import job_submit
from generation.views import signed_in

ApiView = Callable[..., JsonResponse]
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def api_error(code: ErrorCode, message: str, **extra: Any) -> JsonResponse:
    """The one shape of an API error; the code decides the status (access/errors.py)."""
    return JsonResponse({"error": {"code": code, "message": message, **extra}}, status=code.status)


def api_refusal(refusal: PermissionDenied | ValidationError) -> JsonResponse:
    """The one place a service's refusal becomes an API answer (access/errors.py):
    its code and status, its message, and Retry-After when waiting helps."""
    code, message, retry_after = refusal_parts(refusal)
    response = api_error(code, message)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


def _no_view(request: HttpRequest) -> HttpResponse:
    """Stands in for the view when the API asks Django's CSRF check directly."""
    return HttpResponse()


def _authenticate(request: HttpRequest, scope: str) -> JsonResponse | None:
    """Token holders with `scope`, or signed-in people (with a valid CSRF token for
    writes). Returns an error response, or None when the caller may go on."""
    raw = bearer_token(request)
    if raw is not None:
        try:
            token = token_authenticate(
                raw=raw,
                scope=scope,
                ip=client_ip(request) or "",
                user_agent=request.headers.get("User-Agent", ""),
            )
        except TokenError as refused:
            return api_refusal(refused)
        request.user = token.user
        return None
    if not request.user.is_authenticated:
        return api_error(ErrorCode.NOT_AUTHENTICATED, "Sign in, or send a personal API token.")
    if request.method not in SAFE_METHODS:
        rejected = CsrfViewMiddleware(_no_view).process_view(request, _no_view, (), {})
        if rejected is not None:
            return api_error(
                ErrorCode.CSRF_FAILED, "Missing or wrong CSRF token for a session request."
            )
    return None


def api_view(*methods: str, scope: str) -> Callable[[ApiView], ApiView]:
    """Token holders or signed-in people, answered in JSON (401, 403, 404, 405, and
    any refusal a service raises) instead of a login redirect.

    login_not_required and csrf_exempt only stop the middlewares' HTML answers:
    `_authenticate` refuses anonymous callers and checks CSRF for sessions itself.
    """

    def decorate(view: ApiView) -> ApiView:
        @login_not_required
        @csrf_exempt
        @never_cache
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
            refused = _authenticate(request, scope)
            if refused is not None:
                return refused
            if request.method not in methods:
                response = api_error(ErrorCode.METHOD_NOT_ALLOWED, f"Use {', '.join(methods)}.")
                response["Allow"] = ", ".join(methods)
                return response
            try:
                return view(request, *args, **kwargs)
            except Http404:
                return api_error(ErrorCode.NOT_FOUND, "No such object, or not yours.")
            except (PermissionDenied, ValidationError) as refusal:
                return api_refusal(refusal)

        return wrapper

    return decorate


@api_view("POST", scope="submit")
def jobs(request: HttpRequest) -> JsonResponse:
    """Token holders (scope submit) and signed-in people: submit a prompt (JSON body,
    the form's fields). 201 with one snapshot per variation."""
    body = _json_object(request)
    if isinstance(body, JsonResponse):
        return body
    form = GenerationForm({k: v for k, v in body.items() if v is not None})
    if not form.is_valid():
        fields = {name: [str(e) for e in errors] for name, errors in form.errors.items()}
        return api_error(ErrorCode.INVALID, "Some fields are invalid.", fields=fields)
    submission = form.to_submission()
    created = job_submit(owner=signed_in(request), submission=submission)  # refusals: api_view
    return JsonResponse(
        {
            "jobs": [job_snapshot(job) for job in created],
            "adjustments": list(submission.adjustments),
        },
        status=201,
    )


def _json_object(request: HttpRequest) -> dict[str, Any] | JsonResponse:
    """The request body as a JSON object, or the 4xx that says why it is not one."""
    try:
        raw = request.body
    except RequestDataTooBig:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return api_error(ErrorCode.TOO_LARGE, f"The body must be at most {limit} bytes.")
    try:
        body = json.loads(raw or b"{}")
    except (ValueError, RecursionError):  # bad JSON, bad UTF-8, or nested too deep
        return api_error(ErrorCode.MALFORMED, "The body must be a JSON object.")
    if not isinstance(body, dict):
        return api_error(ErrorCode.MALFORMED, "The body must be a JSON object.")
    return body


@api_view("GET", scope="read")
def job(request: HttpRequest, pk: int) -> JsonResponse:
    """The job's owner only (token scope read): its snapshot (as the websocket sends it)."""
    return JsonResponse(job_snapshot(selectors.job_get_for_user(request.user, pk)))


@api_view("GET", scope="read")
def videos(request: HttpRequest) -> JsonResponse:
    """Token holders (scope read) and signed-in people: their own videos, newest
    first, paginated (?page=N)."""
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
    playable = not video.removed and not video.held
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
        "held": video.held,
        "url": reverse("video_media", args=[video.pk]) if playable else None,
        "poster_url": reverse("video_poster", args=[video.pk]) if playable else None,
        "detail_url": reverse("video_detail", args=[video.pk]),
    }


@api_view("GET", scope="read")
def openapi(request: HttpRequest) -> JsonResponse:
    """Token holders (scope read) and signed-in people: this API's OpenAPI document."""
    return JsonResponse(openapi_document())
