"""Frames to a web-playable MP4 and a poster image, and a probe to check the result.

H.264 in yuv420p with the moov atom first ("faststart") is what every browser
plays and can start before the whole file has arrived.

PyAV (about 0.1 s to load) is imported by the functions that encode or probe, so the
web processes that import this module for its types do not load it.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
from PIL import Image

CRF = "18"  # visually near-lossless; the clips are short, so size hardly matters
PRESET = "medium"
POSTER_QUALITY = 90


@dataclass(frozen=True)
class VideoInfo:
    frames: int
    width: int
    height: int
    codec: str
    pix_fmt: str
    fps: float
    duration_seconds: float


def _check_frames(frames: np.ndarray) -> None:
    if frames.ndim != 4 or frames.shape[-1] != 3:
        raise ValueError(f"frames must be shaped (frames, height, width, 3), not {frames.shape}")
    if frames.dtype != np.uint8:
        raise ValueError(f"frames must be uint8, not {frames.dtype}")
    if frames.shape[0] < 1 or frames.shape[1] < 2 or frames.shape[2] < 2:
        raise ValueError(f"frames {frames.shape} are too small to encode")


def even_frames(frames: np.ndarray) -> np.ndarray:
    """Crop an odd width or height by one pixel (the last column or row).

    yuv420p stores colour at half resolution, so x264 refuses odd sizes. Cropping
    loses one edge pixel; padding would add a border the model never drew.
    """
    height = frames.shape[1] - frames.shape[1] % 2
    width = frames.shape[2] - frames.shape[2] % 2
    return frames[:, :height, :width, :]


def encode_mp4(*, frames: np.ndarray, fps: int, path: Path) -> None:
    """Write uint8 RGB frames shaped (frames, height, width, 3) as an H.264 MP4 at `path`."""
    import av

    _check_frames(frames)
    frames = even_frames(frames)
    # movflags=+faststart rewrites the file to put the index first; it needs a
    # seekable real file, so this takes a path rather than a buffer.
    with av.open(str(path), mode="w", format="mp4", options={"movflags": "+faststart"}) as out:
        stream = out.add_stream("libx264", rate=fps)
        stream.width = frames.shape[2]
        stream.height = frames.shape[1]
        stream.pix_fmt = "yuv420p"
        stream.time_base = Fraction(1, fps)
        stream.codec_context.options = {"crf": CRF, "preset": PRESET}
        for index, pixels in enumerate(frames):
            frame = av.VideoFrame.from_ndarray(pixels, format="rgb24")
            frame.pts = index
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))  # flush the frames x264 still holds


def make_poster(*, frames: np.ndarray) -> bytes:
    """A JPEG of the middle frame: the first is often still noise-like or a fade."""
    _check_frames(frames)
    image = Image.fromarray(frames[len(frames) // 2], mode="RGB")
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=POSTER_QUALITY, optimize=True)
    return buffer.getvalue()


def probe_video(path: Path) -> VideoInfo:
    """Decode every frame of the first video stream and describe what is really there."""
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        decoded = sum(1 for _ in container.decode(stream))
        rate = stream.average_rate or stream.guessed_rate or 0
        duration = container.duration / av.time_base if container.duration else 0.0
        return VideoInfo(
            frames=decoded,
            width=stream.codec_context.width,
            height=stream.codec_context.height,
            codec=stream.codec_context.name,
            pix_fmt=stream.codec_context.pix_fmt or "",
            fps=float(rate),
            duration_seconds=float(duration),
        )


def is_faststart(path: Path) -> bool:
    """True when the top-level `moov` box comes before `mdat` (playback can start early)."""
    with path.open("rb") as handle:
        while header := handle.read(8):
            if len(header) < 8:
                return False
            size, kind = struct.unpack(">I4s", header)
            if kind == b"moov":
                return True
            if kind == b"mdat":
                return False
            if size == 1:  # a 64-bit size follows the type
                size = struct.unpack(">Q", handle.read(8))[0] - 8
            elif size == 0:  # the box runs to the end of the file
                return False
            handle.seek(size - 8, io.SEEK_CUR)
    return False
