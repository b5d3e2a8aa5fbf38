"""Step previews: a small picture of the current latents every few denoising steps.

Like ComfyUI's and InvokeAI's live previews, this is a cheap projection of the
latent channels to RGB, not a VAE decode: the middle latent frame's channels are
projected onto their three principal components (computed from that frame itself,
so it works for any model's latent channel count without per-model factors),
scaled to 0..255 and stored as a small JPEG, privately, like other media.
"""

from __future__ import annotations

import io
import logging
from typing import Any

import numpy as np
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from generation.models import Job

log = logging.getLogger(__name__)

PREVIEW_SCALE = 4  # latent pixels are 8x8 image pixels; 4x keeps the JPEG small


def preview_name(job_id: int) -> str:
    return f"previews/job-{job_id}.jpg"


def latents_to_rgb(latents: Any) -> np.ndarray:
    """(batch, channels, frames, h, w) or (batch, channels, h, w) latents -> uint8 (h, w, 3)."""
    array = latents.detach().float().cpu().numpy() if hasattr(latents, "detach") else latents
    array = np.asarray(array, dtype=np.float32)[0]
    if array.ndim == 4:  # channels, frames, h, w: the middle frame
        array = array[:, array.shape[1] // 2]
    channels, height, width = array.shape
    flat = array.reshape(channels, -1)
    flat = flat - flat.mean(axis=1, keepdims=True)
    # The three directions along which the channels vary most become R, G and B.
    basis = np.linalg.svd(flat, full_matrices=False)[0][:, :3]
    rgb = (basis.T @ flat).reshape(-1, height, width)
    if rgb.shape[0] < 3:
        rgb = np.concatenate([rgb, np.zeros((3 - rgb.shape[0], height, width), np.float32)])
    low = rgb.min(axis=(1, 2), keepdims=True)
    span = np.maximum(rgb.max(axis=(1, 2), keepdims=True) - low, 1e-6)
    image = ((rgb - low) / span * 255.0).astype(np.uint8).transpose(1, 2, 0)
    return np.ascontiguousarray(image.repeat(PREVIEW_SCALE, 0).repeat(PREVIEW_SCALE, 1))


def preview_jpeg(image: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="JPEG", quality=70)
    return buffer.getvalue()


class PreviewWriter:
    """The worker's latents callback: every `every` steps, store the job's preview
    and note its step on the Job (the snapshot's preview_url follows)."""

    def __init__(self, job_id: int, every: int | None = None, job: Job | None = None) -> None:
        self.job_id = job_id
        self.every = settings.GENERATION_PREVIEW_EVERY if every is None else every
        # The step reporter's copy of the job: live updates are built from it without
        # reading the row again, so it must learn of each new preview too.
        self.job = job

    def __call__(self, step: int, total: int, latents: Any) -> None:
        if self.every <= 0 or latents is None or step % self.every or step == total:
            return  # the last step is followed by the video itself
        try:
            data = preview_jpeg(latents_to_rgb(latents))
            name = preview_name(self.job_id)
            default_storage.delete(name)
            default_storage.save(name, ContentFile(data))
            Job.objects.filter(pk=self.job_id).update(preview_step=step)
            if self.job is not None:
                self.job.preview_step = step
        except Exception:
            # A preview is a nicety: it must never fail the job.
            log.warning("Could not store a preview for job %s", self.job_id, exc_info=True)
