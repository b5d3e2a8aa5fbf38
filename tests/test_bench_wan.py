"""bench/wan_1_3b.py builds Wan2.1-1.3B's shape and runs end to end (shrunk, on the CPU).

The GPU run it exists for cannot happen in CI; this keeps the script from rotting
and checks that its default shape is the published 1.3B model's.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import torch
from diffusers import WanTransformer3DModel

from bench import wan_1_3b

# Wan2.1-T2V-1.3B's transformer checkpoint holds 1,418,996,800 parameters.
PUBLISHED_TRANSFORMER_PARAMETERS = 1_418_996_800


def test_default_transformer_shape_is_the_published_1_3b_model() -> None:
    with torch.device("meta"):  # shapes only: no memory, no time
        transformer = WanTransformer3DModel(**wan_1_3b.TRANSFORMER_SHAPE)
    assert wan_1_3b.count_parameters(transformer) == PUBLISHED_TRANSFORMER_PARAMETERS


def test_defaults_are_the_run_the_issue_asks_for() -> None:
    args = wan_1_3b.parse_args([])
    assert (args.width, args.height, args.frames, args.steps) == (832, 480, 81, 30)
    assert (args.device, args.dtype, args.layers) == ("cuda", "bfloat16", 30)


@pytest.mark.slow
def test_shrunk_run_on_cpu_times_every_stage(tmp_path: Path) -> None:
    out = tmp_path / "wan.json"
    summary = wan_1_3b.main(
        [
            *("--device", "cpu", "--dtype", "bfloat16"),
            *("--width", "48", "--height", "32", "--frames", "5", "--steps", "3"),
            *("--layers", "1", "--text-encoder-layers", "1", "--json-out", str(out)),
        ]
    )
    assert summary["frames_shape"] == [5, 32, 48, 3]
    written = json.loads(out.read_text())
    assert written["summary"] == summary
    (run,) = written["runs"]
    assert len(run["step_s"]) == 2  # three steps give two step-to-step intervals
    assert all(value > 0 for value in (run["decode_s"], run["encode_s"], run["denoise_s"]))


def test_cast_keeps_wan_float32_modules() -> None:
    shape = {**wan_1_3b.TRANSFORMER_SHAPE, "num_layers": 1, "ffn_dim": 32}
    shape.update(num_attention_heads=2, attention_head_dim=8, text_dim=16)
    transformer: Any = WanTransformer3DModel(**shape)
    wan_1_3b.cast_keeping_float32_modules(transformer, torch.bfloat16)
    dtypes = {name: p.dtype for name, p in transformer.named_parameters()}
    assert dtypes["scale_shift_table"] == torch.float32
    assert dtypes["blocks.0.norm2.weight"] == torch.float32
    assert dtypes["blocks.0.attn1.to_q.weight"] == torch.bfloat16
