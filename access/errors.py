"""The stable error codes of the JSON API, each with its HTTP status.

They are the public contract (README, "JSON API v1", whose table a test checks
against this enum): the policy's refusals, token errors and the API's own errors
all name one of these, and the status a client gets comes from here, never from
the wording of a code. Lives in access, the lowest app, so every app can use it.
"""

from __future__ import annotations

from enum import StrEnum


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
