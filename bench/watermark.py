"""Watermark robustness: bit accuracy, payload recovery, PSNR and SSIM per transform.

    .venv/bin/python bench/watermark.py [--clips 50] [--frames 49] [--height 480]
        [--width 832] [--transforms a,b] [--unmarked N] [--builtin] [--json-out FILE]

Makes its own natural-looking clips (a textured, lit background seen through a
panning camera, moving soft-edged shapes), marks each with a different job id,
stores it the way the site does (H.264 CRF 18), then applies every transform to
the stored file and runs the detector on the result. Non-codec transforms are
re-encoded at CRF 18 so that only the transform itself is measured.
- bit accuracy: the share of the 96 coded bits read right at the detector's best
  alignment (before Reed-Solomon), averaged over clips;
- recovery: the share of clips whose job id came back exactly (tag verified);
- PSNR / SSIM: marked frames against the unmarked ones (before any encoding).
`--unmarked N` also runs the detector on N unmarked clips per transform-free encode
and reports the false matches next to the bound. `--builtin` traces the largest
clip the built-in model makes after CRF 28 and after a 10% crop + 0.5x.
Prints a table and a JSON document. CPU-heavy: run it under `nice`.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generation.provenance import watermark as wm  # noqa: E402

FPS = 16
BENCH_KEY = wm.site_key("bench-watermark-secret")


# --- clips --------------------------------------------------------------------


def _smooth_noise(rng: np.random.Generator, height: int, width: int, scale: float) -> np.ndarray:
    """Band-limited noise in [0, 1]: a natural-looking texture at `scale` pixels."""
    noise = rng.standard_normal((height, width))
    fy = np.fft.fftfreq(height)[:, None]
    fx = np.fft.rfftfreq(width)[None, :]
    radius = np.sqrt(fy**2 + fx**2) * scale
    shaped = np.fft.irfft2(np.fft.rfft2(noise) / (1 + radius**2) ** 1.2, s=(height, width))
    shaped -= shaped.min()
    return shaped / max(float(shaped.max()), 1e-9)


def make_clip(seed: int, *, frames: int, height: int, width: int) -> np.ndarray:
    """uint8 (frames, height, width, 3): gradient sky, textured ground, a camera pan,
    and a few moving soft-edged shapes."""
    rng = np.random.default_rng(seed)
    pan = int(rng.integers(40, 160))
    canvas_h, canvas_w = height + pan, width + pan
    texture = _smooth_noise(rng, canvas_h, canvas_w, float(rng.uniform(4, 40)))
    detail = _smooth_noise(rng, canvas_h, canvas_w, 1.5)
    rows = np.linspace(0, 1, canvas_h)[:, None, None]
    top, bottom = rng.uniform(0, 1, 3), rng.uniform(0, 1, 3)
    gradient = top * (1 - rows) + bottom * rows
    tint = rng.uniform(0.3, 1.0, 3)
    canvas = 0.45 * gradient + 0.4 * texture[..., None] * tint + 0.15 * detail[..., None]
    direction = rng.uniform(-1, 1, 2)
    direction /= max(float(np.linalg.norm(direction)), 1e-9)
    shapes = [
        (
            rng.uniform(0, height),
            rng.uniform(0, width),
            rng.uniform(-4, 4, 2),
            rng.uniform(height / 20, height / 5),
            rng.uniform(0, 1, 3),
        )
        for _ in range(int(rng.integers(2, 6)))
    ]
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    out = np.empty((frames, height, width, 3), dtype=np.uint8)
    for t in range(frames):
        shift = (t / max(frames - 1, 1)) * pan * np.abs(direction)
        oy, ox = int(shift[0]), int(shift[1])
        frame = canvas[oy : oy + height, ox : ox + width].copy()
        for cy, cx, velocity, radius, colour in shapes:
            y, x = cy + velocity[0] * t, cx + velocity[1] * t
            distance = np.sqrt((yy - y) ** 2 + (xx - x) ** 2)
            alpha = np.clip((radius - distance) / 3.0, 0, 1)[..., None]
            frame = frame * (1 - alpha) + colour * alpha
        out[t] = np.clip(frame * 255, 0, 255).astype(np.uint8)
    return out


# --- encoding and transforms ----------------------------------------------------


def encode(
    frames: np.ndarray, path: Path, *, fps: int = FPS, crf: int = 18, codec: str = "h264"
) -> Path:
    import av

    frames = frames[:, : frames.shape[1] // 2 * 2, : frames.shape[2] // 2 * 2]
    fmt, name = ("webm", "libvpx-vp9") if codec == "vp9" else ("mp4", "libx264")
    with av.open(str(path), mode="w", format=fmt) as out:
        stream: Any = out.add_stream(name, rate=fps)
        stream.width, stream.height = frames.shape[2], frames.shape[1]
        stream.pix_fmt = "yuv420p"
        stream.time_base = Fraction(1, fps)
        options = (
            {"crf": str(crf), "preset": "medium"}
            if codec == "h264"
            else {"crf": str(crf), "b": "0", "deadline": "good", "cpu-used": "4"}
        )
        stream.codec_context.options = options
        for index, pixels in enumerate(frames):
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(pixels), format="rgb24")
            frame.pts = index
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return path


def decode(path: Path) -> np.ndarray:
    import av

    with av.open(str(path)) as container:
        return np.stack([f.to_ndarray(format="rgb24") for f in container.decode(video=0)])


def resize(frames: np.ndarray, factor: float) -> np.ndarray:
    import torch
    import torch.nn.functional as F

    height = round(frames.shape[1] * factor) // 2 * 2
    width = round(frames.shape[2] * factor) // 2 * 2
    tensor = torch.from_numpy(frames).permute(0, 3, 1, 2).float()
    out = F.interpolate(tensor, size=(height, width), mode="bilinear", antialias=True)
    return out.clamp(0, 255).round().byte().permute(0, 2, 3, 1).numpy()


def crop(frames: np.ndarray, share: float = 0.10) -> np.ndarray:
    """Asymmetric: most of the cut from the top and left, so the tile grid moves."""
    height, width = frames.shape[1:3]
    cut_h, cut_w = int(height * share), int(width * share)
    top, left = cut_h * 7 // 10 + 3, cut_w * 3 // 10 + 5
    return frames[:, top : top + height - cut_h, left : left + width - cut_w]


def tone(frames: np.ndarray, *, brightness: float = 0.0, contrast: float = 1.0) -> np.ndarray:
    values = (frames.astype(np.float32) - 128) * contrast + 128 + brightness * 255
    return np.clip(values, 0, 255).round().astype(np.uint8)


Transform = Callable[[np.ndarray, Path], Path]


def transforms() -> dict[str, Transform]:
    return {
        "none (stored CRF 18)": lambda f, p: encode(f, p),
        "h264 crf 23": lambda f, p: encode(f, p, crf=23),
        "h264 crf 28": lambda f, p: encode(f, p, crf=28),
        "h264 crf 32": lambda f, p: encode(f, p, crf=32),
        "0.5x downscale": lambda f, p: encode(resize(f, 0.5), p),
        "10% crop": lambda f, p: encode(crop(f), p),
        "crop+0.5x+crf28": lambda f, p: encode(resize(crop(f), 0.5), p, crf=28),
        "half frame rate": lambda f, p: encode(f[::2], p, fps=FPS // 2),
        "first 2 s": lambda f, p: encode(f[: 2 * FPS], p),
        "brightness +10%": lambda f, p: encode(tone(f, brightness=0.1), p),
        "brightness -10%": lambda f, p: encode(tone(f, brightness=-0.1), p),
        "contrast +10%": lambda f, p: encode(tone(f, contrast=1.1), p),
        "contrast -10%": lambda f, p: encode(tone(f, contrast=0.9), p),
        "vp9 crf 32": lambda f, p: encode(f, p.with_suffix(".webm"), crf=32, codec="vp9"),
    }


# --- quality --------------------------------------------------------------------


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return float("inf") if mse == 0 else 10 * math.log10(255.0**2 / mse)


def ssim(a: np.ndarray, b: np.ndarray) -> float:
    """Mean SSIM of the luma, 8x8 gaussian-weighted windows (Wang et al. 2004 constants)."""
    import torch

    weights = np.array([0.299, 0.587, 0.114])
    x = torch.from_numpy((a.astype(np.float64) @ weights).astype(np.float32))
    y = torch.from_numpy((b.astype(np.float64) @ weights).astype(np.float32))
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    blur = lambda t: wm._blur(t, 1.5)  # noqa: E731
    mx, my = blur(x), blur(y)
    vx, vy, cov = blur(x * x) - mx**2, blur(y * y) - my**2, blur(x * y) - mx * my
    index = ((2 * mx * my + c1) * (2 * cov + c2)) / ((mx**2 + my**2 + c1) * (vx + vy + c2))
    return float(index.mean())


# --- measurement -----------------------------------------------------------------


def measure(path: Path, job_id: int, candidates: list[int]) -> dict[str, Any]:
    """Detect as `trace` does (blind, then informed over `candidates`), and also keep
    the bit accuracy at the best alignment and every wrong candidate's score (each is
    one test of an unmarked file against a job, for the measured false-match rate)."""
    started = time.perf_counter()
    layout = wm._layout(BENCH_KEY)
    readings = list(wm.watermark_readings(wm.luma_frames(path), layout))
    blind = None
    for _, _, _, soft in readings:
        blind = blind or wm._decode(soft, BENCH_KEY, layout)
    found = wm._informed(readings, candidates, BENCH_KEY, layout) if blind is None else None
    seconds = time.perf_counter() - started
    truth = wm._codeword(BENCH_KEY, job_id, layout).astype(bool)
    bits = max(float(np.mean((soft < 0) == truth)) for *_, soft in readings)
    scores = wm.informed_scores(readings, candidates, BENCH_KEY, layout)
    wrong = np.delete(scores, candidates.index(job_id), axis=1)
    recovered = (blind is not None and blind[0] == job_id) or (
        found is not None and found.job_id == job_id
    )
    return {
        "bits": bits,
        "recovered": float(recovered),
        "blind": float(blind is not None and blind[0] == job_id),
        "seconds": seconds,
        "null_tests": int(wrong.size),
        "null_over": int((wrong >= wm.informed_threshold(len(candidates))).sum()),
        "null_max": float(wrong.max()),
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    chosen = transforms()
    if args.transforms:
        wanted = [name.strip() for name in args.transforms.split(",")]
        chosen = {name: chosen[name] for name in wanted}
    job_ids = [1000 + clip * 7919 for clip in range(args.clips)]
    # The site's job table as the informed stage sees it: the clips' jobs and decoys.
    decoys = [2_000_000 + n for n in range(max(0, args.candidates - len(job_ids)))]
    candidates = job_ids + decoys
    results: dict[str, list[dict[str, Any]]] = {name: [] for name in chosen}
    quality: dict[str, list[float]] = {"psnr": [], "ssim": []}
    with tempfile.TemporaryDirectory(prefix="bench-wm-") as tmp:
        folder = Path(tmp)
        # The short parts first, so that a long run stopped early still reports them.
        builtin = builtin_trace(folder, candidates) if args.builtin else None
        unmarked = unmarked_rate(args, folder, candidates) if args.unmarked else None
        for clip, job_id in enumerate(job_ids):
            original = make_clip(clip, frames=args.frames, height=args.height, width=args.width)
            marked = wm.watermark_embed(frames=original, job_id=job_id, key=BENCH_KEY)
            quality["psnr"].append(psnr(original, marked))
            every = max(1, args.frames // 8)
            quality["ssim"].append(ssim(original[::every], marked[::every]))
            stored = decode(encode(marked, folder / "stored.mp4"))
            for name, transform in chosen.items():
                out = transform(stored, folder / "leak.mp4")
                results[name].append(measure(out, job_id, candidates))
            print(f"clip {clip + 1}/{args.clips} done", file=sys.stderr, flush=True)
            if args.json_out:  # partial figures survive an interrupted run
                partial = summarise(args, results, quality, unmarked, builtin, len(candidates))
                partial["clips_done"] = clip + 1
                args.json_out.write_text(json.dumps(partial))
    return summarise(args, results, quality, unmarked, builtin, len(candidates))


def unmarked_rate(args: argparse.Namespace, folder: Path, candidates: list[int]) -> dict[str, Any]:
    matches = 0
    for index in range(args.unmarked):
        clip = make_clip(10_000 + index, frames=args.frames, height=args.height, width=args.width)
        for variant, frames in (("stored", clip), ("crop+0.5x", resize(crop(clip), 0.5))):
            path = encode(frames, folder / f"unmarked-{variant}.mp4", crf=23)
            found = wm.watermark_detect(path=path, key=BENCH_KEY, candidates=candidates)
            matches += found is not None
    files = 2 * args.unmarked
    return {"files": files, "false_matches": matches, "rate": matches / files}


def builtin_trace(folder: Path, candidates: list[int]) -> dict[str, Any]:
    """The built-in model's largest clip (224x128, 33 frames), marked, leaked, traced."""
    from generation.backends import ModelConfig, load_model, run_pipeline
    from generation.params import GenerationParams

    model = load_model(ModelConfig())
    params = GenerationParams(
        prompt="a red fox runs through snow",
        negative_prompt="",
        num_frames=33,
        width=224,
        height=128,
        steps=4,
        guidance=5.0,
        seed=7,
        fps=8,
    )
    frames = run_pipeline(model=model, params=params, on_step=lambda step, total: None)
    job_id = candidates[0]
    marked = wm.watermark_embed(frames=frames, job_id=job_id, key=BENCH_KEY)
    stored = decode(encode(marked, folder / "builtin.mp4", fps=8))
    out: dict[str, Any] = {"shape": list(frames.shape), "psnr": psnr(frames, marked)}
    for name, leak in (
        ("h264 crf 28", lambda f: encode(f, folder / "b1.mp4", fps=8, crf=28)),
        ("10% crop + 0.5x", lambda f: encode(resize(crop(f), 0.5), folder / "b2.mp4", fps=8)),
    ):
        found = wm.watermark_detect(path=leak(stored), key=BENCH_KEY, candidates=candidates)
        out[name] = {
            "traced": found is not None and found.job_id == job_id,
            "confidence": found.confidence if found else None,
        }
    return out


def summarise(
    args: argparse.Namespace,
    results: dict[str, list[dict[str, Any]]],
    quality: dict[str, list[float]],
    unmarked: dict[str, Any] | None,
    builtin: dict[str, Any] | None,
    candidates: int,
) -> dict[str, Any]:
    rows = {
        name: {
            "bit_accuracy": float(np.mean([r["bits"] for r in values])),
            "recovery": float(np.mean([r["recovered"] for r in values])),
            "blind_recovery": float(np.mean([r["blind"] for r in values])),
            "detect_seconds_p50": float(np.median([r["seconds"] for r in values])),
        }
        for name, values in results.items()
    }
    everything = [r for values in results.values() for r in values]
    null = {
        "tests": sum(r["null_tests"] for r in everything),
        "over_threshold": sum(r["null_over"] for r in everything),
        "max_score": max((r["null_max"] for r in everything), default=float("nan")),
        "threshold": wm.informed_threshold(candidates),
    }
    return {
        "clips": args.clips,
        "size": [args.frames, args.height, args.width],
        "candidates": candidates,
        "false_match_bound_per_file": wm.false_match_bound(candidates),
        "psnr_db": {"mean": float(np.mean(quality["psnr"])), "min": float(np.min(quality["psnr"]))},
        "ssim": {"mean": float(np.mean(quality["ssim"])), "min": float(np.min(quality["ssim"]))},
        "transforms": rows,
        "null_tests": null,
        "unmarked": unmarked,
        "builtin": builtin,
    }


def print_table(report: dict[str, Any]) -> None:
    frames, height, width = report["size"]
    print(
        f"\nclips: {report['clips']} of {width}x{height}x{frames}; "
        f"PSNR mean {report['psnr_db']['mean']:.2f} dB (min {report['psnr_db']['min']:.2f}); "
        f"SSIM mean {report['ssim']['mean']:.4f} (min {report['ssim']['min']:.4f}); "
        f"informed over {report['candidates']} jobs"
    )
    print(f"{'transform':<22} {'bit acc':>8} {'recovery':>9} {'blind':>6} {'detect s':>9}")
    for name, row in report["transforms"].items():
        print(
            f"{name:<22} {row['bit_accuracy']:>8.4f} {row['recovery']:>9.3f} "
            f"{row['blind_recovery']:>6.3f} {row['detect_seconds_p50']:>9.2f}"
        )
    null = report["null_tests"]
    print(
        f"false-match bound per file: {report['false_match_bound_per_file']:.2e}; "
        f"wrong-job tests: {null['over_threshold']} of {null['tests']} over the threshold "
        f"{null['threshold']:.2f} (largest {null['max_score']:.2f})"
    )
    if report["unmarked"]:
        u = report["unmarked"]
        print(f"unmarked clips: {u['false_matches']} false matches in {u['files']} files")
    if report["builtin"]:
        print(f"built-in model: {report['builtin']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=50)
    parser.add_argument("--frames", type=int, default=49)
    parser.add_argument("--height", type=int, default=480)
    parser.add_argument("--width", type=int, default=832)
    parser.add_argument("--transforms", default="", help="comma-separated names (default all)")
    parser.add_argument(
        "--candidates",
        type=int,
        default=1000,
        help="jobs the informed stage tests (the clips' own plus decoys)",
    )
    parser.add_argument("--unmarked", type=int, default=0, help="unmarked clips to test")
    parser.add_argument("--builtin", action="store_true", help="trace the built-in model's clip")
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args()
    if args.builtin:
        import os

        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sora_site.settings")
        django.setup()
    started = time.perf_counter()
    report = run(args)
    report["wall_seconds"] = round(time.perf_counter() - started, 1)
    print_table(report)
    text = json.dumps(report)
    print(text)
    if args.json_out:
        args.json_out.write_text(text)


if __name__ == "__main__":
    main()
