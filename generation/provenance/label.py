"""VISIBLE_WATERMARK=1: a small site label in the corner of every frame.

Off by default. It tells a viewer where a clip came from at a glance; it is easy
to crop away, which is why the invisible watermark and the manifest exist."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

MARGIN = 4
OPACITY = 0.8


def label_draw(*, frames: np.ndarray, text: str) -> np.ndarray:
    """uint8 frames (F, H, W, 3) with `text` drawn bottom-right, white on a dark box."""
    height, width = frames.shape[1:3]
    font = ImageFont.load_default(size=max(8, height // 24))
    probe = ImageDraw.Draw(Image.new("L", (1, 1)))
    left, top, right, bottom = probe.textbbox((0, 0), text, font=font)
    box_w, box_h = min(width, right - left + 2 * MARGIN), min(height, bottom - top + 2 * MARGIN)
    mask = Image.new("L", (box_w, box_h), 0)
    ImageDraw.Draw(mask).text((MARGIN - left, MARGIN - top), text, fill=255, font=font)
    ink = np.asarray(mask, dtype=np.float32)[..., None] / 255.0
    y0, x0 = height - box_h, width - box_w
    out = frames.copy()
    region = out[:, y0:, x0:].astype(np.float32)
    region = region * (1 - 0.35 * OPACITY)  # darken the box so white text reads anywhere
    region = region * (1 - ink * OPACITY) + 255.0 * ink * OPACITY
    out[:, y0:, x0:] = np.clip(region, 0, 255).astype(np.uint8)
    return out
