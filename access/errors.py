"""How every service says no, and the stable error codes of the JSON API.

The convention (README, "JSON API v1", below the table of codes): a service refuses
with Django's own exceptions, never with Python's PermissionError or ValueError
(which reach Django as a 500):

- `PermissionDenied`: this person may not do this (403).
- `ValidationError` (with a `code`): the input, or the object's state, does not
  allow it (400); its messages are written for the person.
- `Refused`, a PermissionDenied with an ErrorCode: a decision with its own status
  and stable code (quota 429, paused 503, a refused token 401...).

Views may catch a refusal to answer better (re-show a form, flash a message);
whatever they do not catch is mapped in one place for pages
(sora_site.errors.RefusalMiddleware) and one for the API (generation.api.api_view),
both through `refusal_parts`. A programming error (an illegal job transition, a
frame array of the wrong shape) stays a ValueError: it is a bug, and a 500.

The codes are the public contract (README, "JSON API v1", whose table a test
checks against this enum), and the status a client gets comes from the code.
Lives in access, the lowest app, so every app can use it.
"""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import PermissionDenied, ValidationError


class ErrorCode(StrEnum):
    status: int

    def __new__(cls, code: str, status: int) -> ErrorCode:
        member = str.__new__(cls, code)
        member._value_ = code
        member.status = status
        return member

    # 400: the request itself is wrong
    INVALID = "invalid", 400
    MALFORMED = "malformed", 400
    BAD_REQUEST = "bad_request", 400
    # 401: who is asking is unknown
    NOT_AUTHENTICATED = "not_authenticated", 401
    INVALID_TOKEN = "invalid_token", 401
    TOKEN_REVOKED = "token_revoked", 401
    TOKEN_EXPIRED = "token_expired", 401
    # 403: known, and not allowed (waiting will not help)
    TOKEN_SUSPENDED = "token_suspended", 403
    INSUFFICIENT_SCOPE = "insufficient_scope", 403
    REVOKED = "revoked", 403
    CONCURRENCY = "concurrency", 403
    STORAGE_FULL = "storage_full", 403
    CSRF_FAILED = "csrf_failed", 403
    FORBIDDEN = "forbidden", 403
    NOT_FOUND = "not_found", 404
    METHOD_NOT_ALLOWED = "method_not_allowed", 405
    TOO_LARGE = "too_large", 413
    # 429: allowed again later (Retry-After says when)
    QUOTA = "quota", 429
    RATE_LIMITED = "rate_limited", 429
    SERVER_ERROR = "server_error", 500
    # 503: the whole studio is not taking work now (Retry-After)
    PAUSED = "paused", 503
    UNAVAILABLE = "unavailable", 503

    @classmethod
    def with_status(cls, status: int) -> list[ErrorCode]:
        return [code for code in cls if code.status == status]


class Refused(PermissionDenied):
    """A refusal with a stable code (which gives its HTTP status) and a message for
    the person refused; `retry_after` (seconds) when waiting will help."""

    def __init__(self, code: ErrorCode, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.retry_after = retry_after

    @property
    def status(self) -> int:
        return self.code.status


def refusal_parts(refusal: PermissionDenied | ValidationError) -> tuple[ErrorCode, str, int | None]:
    """(code, message, retry_after) of any refusal of the convention above."""
    if isinstance(refusal, Refused):
        return refusal.code, refusal.message, refusal.retry_after
    if isinstance(refusal, ValidationError):
        return ErrorCode.INVALID, " ".join(refusal.messages), None
    return ErrorCode.FORBIDDEN, str(refusal) or "Not allowed.", None
