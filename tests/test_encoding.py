"""Frames become an MP4 every browser plays at once, and a poster of the middle frame."""

from __future__ import annotations

import io
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from generation.encoding import encode_mp4, is_faststart, make_poster, probe_video


def clip(frames: int = 9, width: int = 112, height: int = 64) -> np.ndarray:
    """Frame i is a flat grey of level 20 * i, so each frame can be recognised after coding."""
    levels = (np.arange(frames, dtype=np.uint8) * 20).reshape(frames, 1, 1, 1)
    return np.broadcast_to(levels, (frames, height, width, 3)).copy()


def decoded_means(path: Path) -> list[float]:
    with av.open(str(path)) as container:
        return [float(f.to_ndarray(format="rgb24").mean()) for f in container.decode(video=0)]


def test_the_mp4_is_h264_yuv420p_with_every_frame_at_full_size(tmp_path: Path) -> None:
    path = tmp_path / "video.mp4"
    encode_mp4(frames=clip(), fps=8, path=path)
    info = probe_video(path)
    assert (info.codec, info.pix_fmt) == ("h264", "yuv420p")
    assert (info.frames, info.width, info.height) == (9, 112, 64)
    assert info.fps == 8
    assert info.duration_seconds == pytest.approx(9 / 8, abs=0.01)


def test_the_frames_come_back_in_order_and_close_to_the_input(tmp_path: Path) -> None:
    path = tmp_path / "video.mp4"
    encode_mp4(frames=clip(), fps=8, path=path)
    assert decoded_means(path) == pytest.approx([20.0 * i for i in range(9)], abs=3)


def test_the_mp4_is_faststart(tmp_path: Path) -> None:
    path = tmp_path / "video.mp4"
    encode_mp4(frames=clip(), fps=8, path=path)
    assert is_faststart(path)


def test_a_plain_mp4_is_not_reported_as_faststart(tmp_path: Path) -> None:
    path = tmp_path / "plain.mp4"
    with av.open(str(path), mode="w", format="mp4") as out:
        stream = out.add_stream("libx264", rate=8)
        stream.width, stream.height, stream.pix_fmt = 64, 64, "yuv420p"
        for pixels in clip(width=64):
            out.mux(stream.encode(av.VideoFrame.from_ndarray(pixels, format="rgb24")))
        out.mux(stream.encode(None))
    assert probe_video(path).frames == 9
    assert not is_faststart(path)


def test_odd_sizes_are_cropped_by_one_pixel(tmp_path: Path) -> None:
    path = tmp_path / "odd.mp4"
    encode_mp4(frames=clip(frames=5, width=101, height=63), fps=8, path=path)
    info = probe_video(path)
    assert (info.frames, info.width, info.height) == (5, 100, 62)


def test_it_refuses_float_frames(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="uint8"):
        encode_mp4(frames=clip().astype(np.float32), fps=8, path=tmp_path / "x.mp4")


def test_the_poster_is_a_jpeg_of_the_middle_frame_at_full_size() -> None:
    poster = make_poster(frames=clip(frames=9, width=101, height=63))
    image = Image.open(io.BytesIO(poster))
    assert image.format == "JPEG"
    assert image.size == (101, 63)
    assert np.asarray(image).mean() == pytest.approx(80, abs=2)  # frame 4 of 0..8
