"""The job's opaque public id: what goes into files instead of the row id or an email.

A keyed 64-bit permutation (a four-round Feistel network with HMAC-SHA256 rounds,
Luby-Rackoff) of the job id and a 32-bit check. Outsiders see an unrelated string
per job and cannot make a valid one; this site turns it back into the job id with
no table and no lookup. Rotating SECRET_KEY makes existing ids unreadable.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct

from django.conf import settings

PREFIX = "job_"
ROUNDS = 4


def _key() -> bytes:
    return hmac.new(settings.SECRET_KEY.encode(), b"studio-public-id-v1", hashlib.sha256).digest()


def _round(key: bytes, index: int, half: int) -> int:
    digest = hmac.new(key, struct.pack(">BI", index, half), hashlib.sha256).digest()
    return int.from_bytes(digest[:4], "big")


def _check(key: bytes, job_id: int) -> int:
    digest = hmac.new(key, b"check" + struct.pack(">I", job_id), hashlib.sha256).digest()
    return int.from_bytes(digest[:4], "big")


def public_id(job_id: int) -> str:
    """The opaque id of job `job_id` (13 lowercase base32 characters after `job_`)."""
    if not 0 <= job_id < 2**32:
        raise ValueError(f"job id {job_id} is outside the 32-bit range")
    key = _key()
    left, right = job_id, _check(key, job_id)
    for index in range(ROUNDS):
        left, right = right, left ^ _round(key, index, right)
    block = struct.pack(">II", left, right)
    return PREFIX + base64.b32encode(block).decode().rstrip("=").lower()


def job_id_from_public(text: str) -> int | None:
    """The job id behind a public id, or None when it is not one of ours."""
    if not text.startswith(PREFIX):
        return None
    encoded = text[len(PREFIX) :].upper()
    try:
        block = base64.b32decode(encoded + "=" * (-len(encoded) % 8))
    except ValueError:
        return None
    if len(block) != 8:
        return None
    key = _key()
    left, right = struct.unpack(">II", block)
    for index in reversed(range(ROUNDS)):
        left, right = right ^ _round(key, index, left), left
    if not hmac.compare_digest(struct.pack(">I", right), struct.pack(">I", _check(key, left))):
        return None
    return left
