"""An optional frame classifier: NudeNet's detector, on the CPU through onnxruntime.

Install the extra (`pip install -e ".[nudenet]"`) and set

    MODERATION_FRAME_CLASSIFIERS=moderation.nudenet_frames.classify_frames

Licence: the `nudenet` wheel's metadata says MIT, but the LICENSE file inside it is
the GNU AGPL-3.0; treat it as AGPL. That is why it is an optional extra, off by
default, and imported only when a worker first screens a video.

NudeNet finds body parts in a picture and labels each exposed or covered; it knows
nothing of age, violence or context. The score here is the detector's confidence in
its most certain exposed breast, genitals, buttocks or anus over all sampled frames,
reported as "sexual_explicit". With the default thresholds, 0.5 holds the video for
a moderator and 0.9 removes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

import numpy as np

EXPOSED = frozenset(
    {
        "FEMALE_BREAST_EXPOSED",
        "FEMALE_GENITALIA_EXPOSED",
        "MALE_GENITALIA_EXPOSED",
        "BUTTOCKS_EXPOSED",
        "ANUS_EXPOSED",
    }
)


@cache
def detector() -> Any:
    """Loaded once per worker process (the ONNX model ships inside the wheel)."""
    # An optional extra (pyproject): the module must import without it.
    from nudenet import NudeDetector  # type: ignore[import-not-found,unused-ignore]

    return NudeDetector()


def _rgba(frame: np.ndarray) -> np.ndarray:
    # NudeNet converts arrays with cv2's RGBA->BGR, so it needs four channels.
    alpha = np.full((*frame.shape[:2], 1), 255, dtype=np.uint8)
    return np.concatenate([frame, alpha], axis=2)


def classify_frames(*, frames: np.ndarray, prompt: str) -> Mapping[str, float]:
    """frames: T x H x W x 3 uint8 RGB. The prompt is not used: the pictures decide."""
    found = detector().detect_batch([_rgba(f) for f in frames], batch_size=len(frames))
    scores = [float(d["score"]) for per_frame in found for d in per_frame if d["class"] in EXPOSED]
    return {"sexual_explicit": max(scores, default=0.0)}
