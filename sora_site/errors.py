"""What a request gets when something goes wrong outside the view's own checks.

The API always answers JSON with a stable code (README, "JSON API v1"); pages get
a short HTML page. An unexpected exception gets an error id that is also in the
log, so a person can quote it and staff can find the traceback. A Redis outage
(queue, cache and websocket layer all live there) is not a bug: it answers 503
`unavailable` with Retry-After, because it passes by itself within seconds.
A service's refusal that its view did not handle (access/errors.py) is a 4xx page
here, never a 500; the API maps its own in generation.api.api_view.
"""

from __future__ import annotations

import logging
import sys
import uuid

import redis
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.deprecation import MiddlewareMixin
from django.views import defaults

from access.errors import ErrorCode, refusal_parts

log = logging.getLogger("sora_site.errors")

API_PREFIX = "/api/"
OUTAGE_RETRY_AFTER = 5
OUTAGES = (redis.ConnectionError, redis.TimeoutError, redis.BusyLoadingError)


def is_outage(exc: BaseException | None) -> bool:
    """Whether `exc` (or what it was raised from) is Redis being unreachable."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, OUTAGES):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def wants_json(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def json_error(code: ErrorCode, message: str, **extra: object) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message, **extra}}, status=code.status)


def unavailable_response(request: HttpRequest) -> HttpResponse:
    message = "The studio is briefly unavailable (its queue server is restarting). Try again."
    response: HttpResponse
    if wants_json(request):
        response = json_error(ErrorCode.UNAVAILABLE, message, retry_after=OUTAGE_RETRY_AFTER)
    else:
        response = plain_page(503, "Briefly unavailable", message, retry_after=OUTAGE_RETRY_AFTER)
    response["Retry-After"] = str(OUTAGE_RETRY_AFTER)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: called inside Django's except block, so sys.exc_info() is the error."""
    exc = sys.exc_info()[1]
    if is_outage(exc):
        log.warning("Redis unreachable during %s %s: %s", request.method, request.path, exc)
        return unavailable_response(request)
    error_id = uuid.uuid4().hex[:12]
    log.error("Unexpected error %s on %s %s", error_id, request.method, request.path, exc_info=exc)
    message = f"Something went wrong on our side (error id {error_id}). Staff can look it up."
    if wants_json(request):
        return json_error(ErrorCode.SERVER_ERROR, message, id=error_id)
    return plain_page(500, "Something went wrong", message)


def plain_page(status: int, title: str, message: str, retry_after: int = 0) -> HttpResponse:
    """An error page that needs neither the database nor the session (no context
    processors run), since either may be what failed."""
    context = {"status": status, "title": title, "message": message, "retry_after": retry_after}
    html = loader.get_template("errors/plain.html").render(context)
    return HttpResponse(html, status=status)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if wants_json(request):
        return json_error(ErrorCode.NOT_FOUND, "No such URL in the API.")
    return defaults.page_not_found(request, exception)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if wants_json(request):
        return json_error(ErrorCode.BAD_REQUEST, "The request could not be read.")
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if wants_json(request):
        return json_error(ErrorCode.FORBIDDEN, str(exception) or "Not allowed.")
    return defaults.permission_denied(request, exception)


REFUSAL_TITLES = {400: "That cannot be done", 429: "Not now", 503: "Not now"}


class RefusalMiddleware(MiddlewareMixin):
    """The one place a page's unhandled refusal becomes a response (see refusal_page)."""

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if wants_json(request) or not isinstance(exception, PermissionDenied | ValidationError):
            return None
        return refusal_page(request, exception)


def refusal_page(request: HttpRequest, refusal: PermissionDenied | ValidationError) -> HttpResponse:
    """A plain PermissionDenied gets the 403 page, as Django gives it; a ValidationError
    or a Refused gets a short page with its message, its status and Retry-After."""
    code, message, retry_after = refusal_parts(refusal)
    if code is ErrorCode.FORBIDDEN:
        return permission_denied(request, refusal)
    title = REFUSAL_TITLES.get(code.status, "Not allowed")
    response = plain_page(code.status, title, message, retry_after=retry_after or 0)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response
