"""Requests are fitted to what the model can make, and the person is told what changed."""

from __future__ import annotations

from dataclasses import replace

import pytest

from generation.params import (
    BUILTIN_CAPS,
    GENERIC_CAPS,
    WAN_CAPS,
    GenerationParams,
    ModelCaps,
    caps_for,
    fit_params,
    frames_for_duration,
)

ALL_CAPS = [BUILTIN_CAPS, WAN_CAPS, GENERIC_CAPS]


def request(**changes: object) -> GenerationParams:
    base = GenerationParams(
        prompt="a fox in the snow",
        negative_prompt="",
        num_frames=9,
        width=112,
        height=64,
        steps=4,
        guidance=5.0,
        seed=7,
        fps=8,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_it_rounds_wan_frames_to_4k_plus_1_with_a_note() -> None:
    fitted, notes = fit_params(requested=request(num_frames=10), caps=BUILTIN_CAPS)
    assert fitted.num_frames == 9
    assert notes == ["Frame count 10 was adjusted to 9 (this model needs 4k+1 frames)."]


def test_it_rounds_frame_ties_up() -> None:
    fitted, _ = fit_params(requested=request(num_frames=11), caps=WAN_CAPS)
    assert fitted.num_frames == 13


def test_it_caps_frames_at_the_model_maximum() -> None:
    fitted, notes = fit_params(requested=request(num_frames=200), caps=BUILTIN_CAPS)
    assert fitted.num_frames == BUILTIN_CAPS.max_frames == 33
    assert notes == ["Frame count 200 was adjusted to 33 (this model makes at most 33 frames)."]


def test_it_raises_too_few_frames_to_five() -> None:
    fitted, notes = fit_params(requested=request(num_frames=1), caps=WAN_CAPS)
    assert fitted.num_frames == 5
    assert notes == ["Frame count 1 was adjusted to 5 (the shortest video is 5 frames)."]


def test_it_rounds_wan_sizes_to_multiples_of_16_with_notes() -> None:
    fitted, notes = fit_params(requested=request(width=100, height=70), caps=BUILTIN_CAPS)
    assert (fitted.width, fitted.height) == (96, 64)
    assert notes == [
        "Width 100 was adjusted to 96 (this model needs multiples of 16).",
        "Height 70 was adjusted to 64 (this model needs multiples of 16).",
    ]


def test_it_caps_sizes_at_the_model_maximum() -> None:
    fitted, notes = fit_params(requested=request(width=1920, height=64), caps=WAN_CAPS)
    assert fitted.width == 1280
    assert notes == [
        "Width 1920 was adjusted to 1280 (this model makes at most 1280 pixels a side)."
    ]


def test_generic_models_keep_any_frame_count_and_use_multiples_of_8() -> None:
    fitted, notes = fit_params(
        requested=request(num_frames=10, width=100, height=60), caps=GENERIC_CAPS
    )
    assert (fitted.num_frames, fitted.width, fitted.height) == (10, 104, 64)
    assert len(notes) == 2


def test_nothing_adjusted_means_no_notes_and_the_same_params() -> None:
    requested = request(num_frames=17, width=224, height=128)
    fitted, notes = fit_params(requested=requested, caps=BUILTIN_CAPS)
    assert notes == []
    assert fitted == requested


def test_fitting_keeps_everything_but_frames_and_size() -> None:
    requested = request(num_frames=10, prompt="x", seed=99, guidance=3.5, steps=12, fps=16)
    fitted, _ = fit_params(requested=requested, caps=WAN_CAPS)
    assert (fitted.prompt, fitted.seed, fitted.guidance, fitted.steps, fitted.fps) == (
        "x",
        99,
        3.5,
        12,
        16,
    )


@pytest.mark.parametrize("caps", ALL_CAPS, ids=["builtin", "wan", "generic"])
def test_every_preset_already_satisfies_its_caps(caps: ModelCaps) -> None:
    assert set(caps.presets) == {"16:9", "9:16", "1:1"}
    assert caps.default_aspect in caps.presets
    for aspect, sizes in caps.presets.items():
        assert sizes, aspect
        for width, height in sizes:
            _, notes = fit_params(requested=request(width=width, height=height), caps=caps)
            assert notes == [], (aspect, width, height)
            assert width % caps.size_multiple == 0 and height % caps.size_multiple == 0
            assert width % 2 == 0 and height % 2 == 0
            shape = "landscape" if width > height else "portrait" if width < height else "square"
            assert shape == {"16:9": "landscape", "9:16": "portrait", "1:1": "square"}[aspect]


@pytest.mark.parametrize("caps", ALL_CAPS, ids=["builtin", "wan", "generic"])
def test_the_maximum_frame_count_is_itself_allowed(caps: ModelCaps) -> None:
    assert (caps.max_frames - 1) % caps.frame_multiple == 0


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("builtin", BUILTIN_CAPS),
        ("Wan-AI/Wan2.1-T2V-1.3B-Diffusers", WAN_CAPS),
        ("/srv/models/WAN22-local", WAN_CAPS),
        ("Lightricks/LTX-Video", GENERIC_CAPS),
    ],
)
def test_caps_follow_the_model_name(name: str, expected: ModelCaps) -> None:
    assert caps_for(name) == expected


def test_frames_for_duration_snaps_to_an_allowed_count() -> None:
    assert frames_for_duration(1.0, 8, BUILTIN_CAPS) == 9
    assert frames_for_duration(2.0, 16, WAN_CAPS) == 33
    assert frames_for_duration(60.0, 16, WAN_CAPS) == 81
    assert frames_for_duration(0.1, 8, WAN_CAPS) == 5
    assert frames_for_duration(1.0, 10, GENERIC_CAPS) == 10
