"""The shape of a personal API token, and reading one from a request.

A raw token reads "sora_<8 chars>_<secret>". "sora_<8 chars>" is the prefix: stored,
shown in lists, and used to find the row. Only HMAC-SHA256(SECRET_KEY, raw token)
is stored, so a database leak leaks no usable token (rotating SECRET_KEY
therefore invalidates every token).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import string

from django.conf import settings
from django.http import HttpRequest

from access.errors import ErrorCode, Refused

TOKEN_BRAND = "sora"  # noqa: S105 (a visible label, not a secret)
PREFIX_CHARS = string.ascii_lowercase + string.digits
PREFIX_LENGTH = 8
_RAW_PATTERN = re.compile(r"^(sora_[a-z0-9]{8})_([A-Za-z0-9_-]{32,128})$")


class TokenError(Refused):
    """Why a token was refused: a stable `code` (which gives the HTTP status) and a
    message for the caller."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(code, message)


def token_new() -> tuple[str, str]:
    """A fresh (prefix, raw token) pair. The raw token must never be stored or logged."""
    prefix = f"{TOKEN_BRAND}_" + "".join(secrets.choice(PREFIX_CHARS) for _ in range(PREFIX_LENGTH))
    return prefix, f"{prefix}_{secrets.token_urlsafe(32)}"


def token_digest(raw: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), raw.encode(), hashlib.sha256).hexdigest()


def token_prefix(raw: str) -> str | None:
    """The prefix of a well-formed raw token, or None."""
    match = _RAW_PATTERN.match(raw or "")
    return match.group(1) if match else None


def bearer_token(request: HttpRequest) -> str | None:
    """The token in "Authorization: Bearer <token>", or None if there is none."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip() or None
