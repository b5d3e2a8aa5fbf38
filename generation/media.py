"""Serve a stored file to one permitted viewer, with HTTP Range support.

Media never has a public URL: a view checks who may see the object, then hands
the storage name to `ranged_file_response`. Browsers need Range requests to seek
in a <video>, and Safari refuses to play at all without them.
"""

from __future__ import annotations

import re
from typing import IO, Any

from django.core.files.storage import Storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from storages.utils import clean_name

RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")
CACHE_CONTROL = "private, no-store"
# Positions longer than this are past the end of any file we could store; reading
# them as "huge" also keeps int() away from Python's 4,300-digit conversion limit.
MAX_POSITION_DIGITS = 18
HUGE = 10**MAX_POSITION_DIGITS


class RangeNotSatisfiable(ValueError):
    pass


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """The inclusive (first, last) byte positions of a single-range header.

    None means "ignore the header and send the whole file", which RFC 9110
    allows for anything we do not understand (several ranges, other units).
    Raises RangeNotSatisfiable when the range lies outside the file.
    """
    match = RANGE_RE.match(header.strip())
    if match is None:
        return None
    first_text, last_text = match.groups()
    if not first_text and not last_text:
        return None
    if not first_text:  # "bytes=-n": the last n bytes
        suffix = _position(last_text)
        if suffix == 0 or size == 0:
            raise RangeNotSatisfiable(header)
        return max(0, size - suffix), size - 1
    first = _position(first_text)
    if last_text and _position(last_text) < first:
        return None  # syntactically invalid: ignored, per RFC 9110 section 14.1.1
    if first >= size:
        raise RangeNotSatisfiable(header)
    last = min(_position(last_text), size - 1) if last_text else size - 1
    return first, last


def _position(digits: str) -> int:
    """A byte position; any number with more than 18 digits counts as past every end."""
    stripped = digits.lstrip("0") or "0"
    return HUGE if len(stripped) > MAX_POSITION_DIGITS else int(stripped)


class _SliceReader:
    """A file-like view of `length` bytes of `handle` from `start` (closes it)."""

    def __init__(self, handle: IO[bytes], start: int, length: int) -> None:
        handle.seek(start)
        self.handle = handle
        self.remaining = length

    def read(self, size: int = -1) -> bytes:
        if self.remaining <= 0:
            return b""
        wanted = self.remaining if size < 0 else min(size, self.remaining)
        data = self.handle.read(wanted)
        self.remaining -= len(data)
        return data

    def close(self) -> None:
        self.handle.close()


class _ObjectSlice:
    """The requested bytes of an S3 object, fetched with a ranged GET and streamed:
    the web node never downloads the whole video to serve a seek."""

    def __init__(self, storage: Any, name: str, start: int, length: int) -> None:
        key = storage._normalize_name(clean_name(name))
        last = start + length - 1
        self.body = storage.bucket.Object(key).get(Range=f"bytes={start}-{last}")["Body"]

    def read(self, size: int = -1) -> bytes:
        return bytes(self.body.read(None if size < 0 else size))

    def close(self) -> None:
        self.body.close()


def _open_slice(
    storage: Storage, name: str, start: int, length: int
) -> _SliceReader | _ObjectSlice:
    if hasattr(storage, "bucket") and length > 0:  # django-storages' S3Storage
        return _ObjectSlice(storage, name, start, length)
    return _SliceReader(storage.open(name, "rb"), start, length)


def _is_missing(exc: Exception) -> bool:
    response = getattr(exc, "response", None)  # botocore's ClientError
    code = str(response.get("Error", {}).get("Code", "")) if isinstance(response, dict) else ""
    return code in {"404", "NoSuchKey", "NotFound"}


def ranged_file_response(
    request: HttpRequest,
    storage: Storage,
    name: str,
    content_type: str,
    *,
    download_name: str = "",
) -> HttpResponseBase:
    """200 with the whole file, 206 with one byte range, or 416 when unsatisfiable.

    The caller has already decided that this person may read `name`.
    """
    try:
        size = storage.size(name)
    except FileNotFoundError:
        raise Http404("The file is missing from storage") from None
    except Exception as exc:  # an object store answers a missing key with its own error
        if _is_missing(exc):
            raise Http404("The file is missing from storage") from None
        raise
    header = request.headers.get("Range", "")
    try:
        byte_range = parse_range(header, size) if header else None
    except RangeNotSatisfiable:
        refusal = HttpResponse(status=416, content_type=content_type)
        refusal["Content-Range"] = f"bytes */{size}"
        return _private(refusal)
    first, last = byte_range if byte_range is not None else (0, size - 1)
    length = max(0, last - first + 1)
    reader = _open_slice(storage, name, first, length)
    response = FileResponse(
        reader,
        content_type=content_type,
        status=206 if byte_range is not None else 200,
        as_attachment=bool(download_name),
        filename=download_name,
    )
    response["Content-Length"] = str(length)
    if byte_range is not None:
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
    return _private(response)


def _private(response: HttpResponseBase) -> HttpResponseBase:
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = CACHE_CONTROL
    return response
