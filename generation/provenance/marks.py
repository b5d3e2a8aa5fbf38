"""The two calls the worker makes: mark the frames, then sign what is stored.

Both are on by default. WATERMARK_ENABLED=0 and C2PA_ENABLED=0 turn them off
(each is then skipped, and the log says so once per process, never silently).
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone

from generation.provenance.c2pa import c2pa_sign
from generation.provenance.ids import public_id
from generation.provenance.label import label_draw
from generation.provenance.watermark import watermark_embed

if TYPE_CHECKING:
    import numpy as np

    from generation.models import Job

log = logging.getLogger(__name__)


@functools.cache
def _skipping(what: str, setting: str) -> None:
    log.warning("%s is off (%s=0): stored videos do not carry it", what, setting)


def frames_mark(*, job: Job, frames: np.ndarray) -> np.ndarray:
    """The frames with the job's invisible watermark (before encoding), and the visible
    site label first when VISIBLE_WATERMARK is on."""
    if settings.VISIBLE_WATERMARK:
        frames = label_draw(frames=frames, text=settings.SITE_NAME)
    if not settings.WATERMARK_ENABLED:
        _skipping("The invisible watermark", "WATERMARK_ENABLED")
        return frames
    return watermark_embed(frames=frames, job_id=job.pk)


def media_sign(*, job: Job, video_path: Path, poster: bytes, model_name: str) -> bytes:
    """Sign the encoded MP4 in place and return the signed poster JPEG."""
    if not settings.C2PA_ENABLED:
        _skipping("The C2PA manifest", "C2PA_ENABLED")
        return poster
    job_public_id, now = public_id(job.pk), timezone.now()
    signed = c2pa_sign(
        data=video_path.read_bytes(),
        mime="video/mp4",
        title="video.mp4",
        job_public_id=job_public_id,
        model=model_name,
        created_at=now,
    )
    video_path.write_bytes(signed)
    return c2pa_sign(
        data=poster,
        mime="image/jpeg",
        title="poster.jpg",
        job_public_id=job_public_id,
        model=model_name,
        created_at=now,
    )
