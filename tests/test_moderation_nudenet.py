"""The optional NudeNet frame classifier (skipped where the `nudenet` extra is absent)."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("nudenet", reason="the optional nudenet extra is not installed")

from moderation.nudenet_frames import classify_frames


def test_it_scores_rgb_uint8_frames_as_sexual_explicit() -> None:
    frames = np.zeros((3, 96, 160, 3), dtype=np.uint8)
    frames[:, :, :, 1] = 120  # a plain green picture: nothing exposed
    scores = classify_frames(frames=frames, prompt="a meadow")
    assert set(scores) == {"sexual_explicit"}
    assert 0.0 <= scores["sexual_explicit"] < 0.5
