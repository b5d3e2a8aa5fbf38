"""What a video request asks for, what a model can make, and how one is fitted to the other.

Pure Python on purpose: the web process imports this to validate forms and show
"your request was adjusted" notes, and must never import torch for that.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

BUILTIN_MODEL = "builtin"
# How a model is loaded: the choices and defaults of GENERATION_DTYPE, _DEVICE and
# _OFFLOAD (settings.py reads them from here, as do the backends and the catalogue;
# this module is pure Python, so settings can import it).
DTYPES = ("auto", "float32", "float16", "bfloat16")
OFFLOADS = ("none", "model", "sequential")
DEFAULT_DTYPE = "auto"
DEFAULT_DEVICE = "auto"
DEFAULT_OFFLOAD = "none"
DEFAULT_ASPECT = "16:9"
MIN_FRAMES = 5  # fewer frames is not a video; Wan's smallest 4k+1 clip above 1 frame


@dataclass(frozen=True)
class GenerationParams:
    prompt: str
    negative_prompt: str
    num_frames: int
    width: int
    height: int
    steps: int
    guidance: float
    seed: int
    fps: int


@dataclass(frozen=True)
class ModelCaps:
    """What one model family accepts. `presets` maps an aspect to sizes, smallest first."""

    family: str  # "wan" or "generic"
    frame_multiple: int  # frames must be frame_multiple * k + 1 (1 means any count)
    size_multiple: int  # width and height must be multiples of this
    max_frames: int
    max_side: int
    presets: dict[str, list[tuple[int, int]]]
    default_aspect: str = DEFAULT_ASPECT


# The built-in model is tiny and runs on CPU, so its presets are small. Every size
# is a multiple of 16 (Wan's VAE downsamples by 8 and the transformer patches by 2),
# which is why 16:9 is 112x64 (1.75:1) rather than an exact 128x72.
BUILTIN_CAPS = ModelCaps(
    family="wan",
    frame_multiple=4,
    size_multiple=16,
    max_frames=33,  # about 1.5 s of CPU time at 224x128; 4k+1 itself
    max_side=224,
    presets={
        "16:9": [(112, 64), (224, 128)],
        "9:16": [(64, 112), (128, 224)],
        "1:1": [(64, 64), (128, 128)],
    },
)

# Real Wan 2.1/2.2 checkpoints: 480p and 720p, 81 frames (5 s at 16 fps).
WAN_CAPS = ModelCaps(
    family="wan",
    frame_multiple=4,
    size_multiple=16,
    max_frames=81,
    max_side=1280,
    presets={
        "16:9": [(832, 480), (1280, 720)],
        "9:16": [(480, 832), (720, 1280)],
        "1:1": [(624, 624), (960, 960)],
    },
)

# Any other diffusers text-to-video pipeline: only the VAE's factor of 8 is assumed.
GENERIC_CAPS = ModelCaps(
    family="generic",
    frame_multiple=1,
    size_multiple=8,
    max_frames=121,
    max_side=1280,
    presets={
        "16:9": [(768, 432), (1280, 720)],
        "9:16": [(432, 768), (720, 1280)],
        "1:1": [(512, 512), (768, 768)],
    },
)


SIMULATED_PREFIX = "simulated:"  # GENERATION_MODEL=simulated:<seconds per step>


def is_simulated(model_name: str) -> bool:
    return model_name.startswith(SIMULATED_PREFIX)


def caps_for(model_name: str) -> ModelCaps:
    """Caps by name: the family is guessed from the Hub id or folder name."""
    if model_name == BUILTIN_MODEL or is_simulated(model_name):
        return BUILTIN_CAPS  # the simulation makes the built-in model's small sizes
    if "wan" in model_name.lower():
        return WAN_CAPS
    return GENERIC_CAPS


def _round_half_up(value: float) -> int:
    # Python's round() sends 2.5 to 2; people expect ties to go up.
    return math.floor(value + 0.5)


def allowed_frames(count: int, caps: ModelCaps) -> int:
    """The allowed frame count nearest to `count` (k * frame_multiple + 1, within limits)."""
    step = caps.frame_multiple
    snapped = _round_half_up((count - 1) / step) * step + 1
    lowest = _round_up_to(MIN_FRAMES - 1, step) + 1
    highest = (caps.max_frames - 1) // step * step + 1
    return max(lowest, min(snapped, highest))


def _round_up_to(value: int, multiple: int) -> int:
    return -(-value // multiple) * multiple


def _size_multiple(caps: ModelCaps) -> int:
    # The encoder needs even sizes too (yuv420p), so an odd multiple is doubled.
    return math.lcm(caps.size_multiple, 2)


def allowed_side(pixels: int, caps: ModelCaps) -> int:
    """The allowed width or height nearest to `pixels`."""
    multiple = _size_multiple(caps)
    snapped = _round_half_up(pixels / multiple) * multiple
    highest = caps.max_side // multiple * multiple
    return max(multiple, min(snapped, highest))


def _frames_note(requested: int, fitted: int, caps: ModelCaps) -> str:
    if requested > caps.max_frames:
        reason = f"this model makes at most {caps.max_frames} frames"
    elif requested < MIN_FRAMES:
        reason = f"the shortest video is {fitted} frames"
    else:
        reason = f"this model needs {caps.frame_multiple}k+1 frames"
    return f"Frame count {requested} was adjusted to {fitted} ({reason})."


def _side_note(label: str, requested: int, fitted: int, caps: ModelCaps) -> str:
    if requested > caps.max_side:
        reason = f"this model makes at most {caps.max_side} pixels a side"
    else:
        reason = f"this model needs multiples of {_size_multiple(caps)}"
    return f"{label} {requested} was adjusted to {fitted} ({reason})."


def fit_params(
    *, requested: GenerationParams, caps: ModelCaps
) -> tuple[GenerationParams, list[str]]:
    """Round frames and size to what the model accepts, with a note for each change."""
    frames = allowed_frames(requested.num_frames, caps)
    width = allowed_side(requested.width, caps)
    height = allowed_side(requested.height, caps)
    notes: list[str] = []
    if frames != requested.num_frames:
        notes.append(_frames_note(requested.num_frames, frames, caps))
    if width != requested.width:
        notes.append(_side_note("Width", requested.width, width, caps))
    if height != requested.height:
        notes.append(_side_note("Height", requested.height, height, caps))
    fitted = replace(requested, num_frames=frames, width=width, height=height)
    return fitted, notes


def frames_for_duration(seconds: float, fps: int, caps: ModelCaps) -> int:
    """The allowed frame count closest to `seconds` of video at `fps`."""
    return allowed_frames(_round_half_up(seconds * fps), caps)
