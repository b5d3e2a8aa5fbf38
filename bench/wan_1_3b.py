"""A Wan2.1-1.3B-size text-to-video pipeline with random weights, timed on one device.

    .venv/bin/python bench/wan_1_3b.py [--device cuda] [--dtype bfloat16] [--json-out FILE]

Defaults are the run issue 3 asks for on a GPU: 480x832, 81 frames, 30 steps,
classifier-free guidance 5.0 (two transformer passes a step), the transformer at
Wan2.1-T2V-1.3B's published shape and the Wan 2.1 VAE at its default shape. No
weights are downloaded: every module is built from its config with a fixed seed,
so the figures are the cost of the architecture, not of a trained model's output.

The text encoder keeps UMT5-XXL's width (4096, what the transformer reads) and its
24 layers, but uses the built-in word-level tokenizer, so its embedding table is
small; it runs once per prompt and is a small share of the total either way.

Prints a table and a JSON document: build time, per-step time (p50/p95), denoising
total, VAE decode, MP4 encode, peak device memory. `--layers`, `--frames` and the
size flags shrink the run to check the script on a CPU.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEED = 20250101
MAX_SEQUENCE_LENGTH = 512  # Wan's default prompt length
# Wan2.1-T2V-1.3B's transformer config.
TRANSFORMER_SHAPE: dict[str, Any] = {
    "patch_size": (1, 2, 2),
    "num_attention_heads": 12,
    "attention_head_dim": 128,
    "in_channels": 16,
    "out_channels": 16,
    "text_dim": 4096,
    "freq_dim": 256,
    "ffn_dim": 8960,
    "num_layers": 30,
    "cross_attn_norm": True,
    "qk_norm": "rms_norm_across_heads",
    "eps": 1e-6,
    "rope_max_seq_len": 1024,
}
# UMT5-XXL's encoder shape, less its 256k-token vocabulary.
TEXT_ENCODER_SHAPE: dict[str, Any] = {
    "d_model": 4096,
    "d_kv": 64,
    "d_ff": 10240,
    "num_layers": 24,
    "num_heads": 64,
    "feed_forward_proj": "gated-gelu",
    "relative_attention_num_buckets": 32,
    "relative_attention_max_distance": 128,
}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--dtype", default="bfloat16", choices=["bfloat16", "float16", "float32"])
    parser.add_argument("--height", type=int, default=480)
    parser.add_argument("--width", type=int, default=832)
    parser.add_argument("--frames", type=int, default=81)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--guidance", type=float, default=5.0)
    parser.add_argument("--layers", type=int, default=TRANSFORMER_SHAPE["num_layers"])
    parser.add_argument("--text-encoder-layers", type=int, default=TEXT_ENCODER_SHAPE["num_layers"])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--json-out", type=Path)
    return parser.parse_args(argv)


def build_pipeline(args: argparse.Namespace) -> Any:
    """The pipeline, built directly on the target device (random init there is fast)."""
    import torch
    from diffusers import AutoencoderKLWan, WanTransformer3DModel
    from transformers import UMT5Config, UMT5EncoderModel

    from generation.backends import builtin_tokenizer, wan_pipeline

    dtype = getattr(torch, args.dtype)
    tokenizer = builtin_tokenizer()
    with torch.random.fork_rng(devices=[]), torch.device(args.device):
        torch.manual_seed(SEED)
        text_encoder = UMT5EncoderModel(
            UMT5Config(
                **{**TEXT_ENCODER_SHAPE, "num_layers": args.text_encoder_layers},
                vocab_size=len(tokenizer),
                pad_token_id=tokenizer.pad_token_id,
                eos_token_id=tokenizer.eos_token_id,
                decoder_start_token_id=tokenizer.pad_token_id,
            )
        ).to(dtype)
        vae: Any = AutoencoderKLWan()  # Wan 2.1's VAE shape, in float32 as Wan ships it
        transformer: Any = WanTransformer3DModel(**{**TRANSFORMER_SHAPE, "num_layers": args.layers})
    cast_keeping_float32_modules(transformer, dtype)
    return wan_pipeline(
        tokenizer=tokenizer, text_encoder=text_encoder, vae=vae, transformer=transformer
    )


def cast_keeping_float32_modules(model: Any, dtype: Any) -> None:
    """Cast as `from_pretrained(torch_dtype=...)` does: the modules Wan lists stay float32."""
    import torch

    keep = set(getattr(model, "_keep_in_fp32_modules", None) or [])
    tensors = [*model.named_parameters(), *model.named_buffers()]
    for name, tensor in tensors:
        if tensor.is_floating_point():
            in_float32 = bool(keep.intersection(name.split(".")))
            tensor.data = tensor.data.to(torch.float32 if in_float32 else dtype)


def synchronize(device: str) -> None:
    import torch

    if device.startswith("cuda"):
        torch.cuda.synchronize()


def count_parameters(module: Any) -> int:
    return sum(p.numel() for p in module.parameters())


def run_once(pipeline: Any, args: argparse.Namespace, seed: int) -> dict[str, Any]:
    """One clip: per-step times from the step callback, then decode and encode."""
    import torch

    from generation.backends import frames_to_uint8
    from generation.encoding import encode_mp4

    step_ends: list[float] = []

    def on_step_end(pipe: Any, step: int, timestep: Any, tensors: dict[str, Any]) -> dict:
        synchronize(args.device)
        step_ends.append(time.perf_counter())
        return {}

    synchronize(args.device)
    started = time.perf_counter()
    with torch.inference_mode():
        output = pipeline(
            prompt="a paper boat drifting on a pond at sunset, cinematic",
            negative_prompt="blurry",
            height=args.height,
            width=args.width,
            num_frames=args.frames,
            num_inference_steps=args.steps,
            guidance_scale=args.guidance,
            max_sequence_length=MAX_SEQUENCE_LENGTH,
            generator=torch.Generator(device=args.device).manual_seed(seed),
            output_type="np",
            callback_on_step_end=on_step_end,
        )
    synchronize(args.device)
    finished = time.perf_counter()
    frames = frames_to_uint8(output.frames[0])
    with tempfile.TemporaryDirectory() as tmp:
        encode_started = time.perf_counter()
        encode_mp4(frames=frames, fps=16, path=Path(tmp) / "clip.mp4")
        encode_s = time.perf_counter() - encode_started
    steps = [b - a for a, b in itertools.pairwise(step_ends)]
    return {
        "pipeline_s": finished - started,
        "first_step_end_s": step_ends[0] - started,  # text encoding + first step
        "step_s": steps,
        "denoise_s": step_ends[-1] - started,
        "decode_s": finished - step_ends[-1],  # VAE decode and post-processing
        "encode_s": encode_s,
        "frames_shape": list(frames.shape),
    }


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


def device_name(device: str) -> str:
    import platform

    import torch

    if device.startswith("cuda"):
        return str(torch.cuda.get_device_name(torch.device(device)))
    return f"{platform.processor() or platform.machine()} CPU"


def summarise(args: argparse.Namespace, build_s: float, runs: list[dict], pipeline: Any) -> dict:
    import torch

    steps = [s for run in runs for s in run["step_s"]]
    peak = torch.cuda.max_memory_allocated() if args.device.startswith("cuda") else None
    return {
        "device": device_name(args.device),
        "dtype": args.dtype,
        "size": f"{args.width}x{args.height}",
        "frames": args.frames,
        "steps": args.steps,
        "guidance": args.guidance,
        "transformer_layers": args.layers,
        "transformer_parameters": count_parameters(pipeline.transformer),
        "text_encoder_parameters": count_parameters(pipeline.text_encoder),
        "vae_parameters": count_parameters(pipeline.vae),
        "build_s": build_s,
        "runs": len(runs),
        "step_p50_s": percentile(steps, 50),
        "step_p95_s": percentile(steps, 95),
        "denoise_s_median": statistics.median(r["denoise_s"] for r in runs),
        "decode_s_median": statistics.median(r["decode_s"] for r in runs),
        "encode_s_median": statistics.median(r["encode_s"] for r in runs),
        "pipeline_s_median": statistics.median(r["pipeline_s"] for r in runs),
        "peak_device_memory_gib": None if peak is None else peak / 2**30,
        "frames_shape": runs[-1]["frames_shape"],
    }


def report(summary: dict, runs: list[dict], json_out: Path | None) -> None:
    print(f"{'measure':40} {'value':>14}")
    print(f"{'device':40} {summary['device']:>14}")
    for key, label in (
        ("build_s", "build pipeline (s)"),
        ("step_p50_s", "denoising step p50 (s)"),
        ("step_p95_s", "denoising step p95 (s)"),
        ("denoise_s_median", "text encode + all steps (s)"),
        ("decode_s_median", "VAE decode (s)"),
        ("encode_s_median", "MP4 encode (s)"),
        ("pipeline_s_median", "pipeline total (s)"),
    ):
        print(f"{label:40} {summary[key]:14.3f}")
    if summary["peak_device_memory_gib"] is not None:
        print(f"{'peak device memory (GiB)':40} {summary['peak_device_memory_gib']:14.2f}")
    print(f"{'transformer parameters':40} {summary['transformer_parameters']:14,}")
    print(json.dumps(summary, indent=2))
    if json_out:
        json_out.write_text(json.dumps({"summary": summary, "runs": runs}, indent=2))


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    started = time.perf_counter()
    pipeline = build_pipeline(args)
    synchronize(args.device)
    build_s = time.perf_counter() - started
    runs = [run_once(pipeline, args, SEED + run) for run in range(args.runs)]
    summary = summarise(args, build_s, runs, pipeline)
    report(summary, runs, args.json_out)
    return summary


if __name__ == "__main__":
    main()
