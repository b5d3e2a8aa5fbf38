"""What screening the video with NudeNet costs per job, on this machine's CPU.

    .venv/bin/python bench/moderation_frames.py [--runs N] [--samples 8] [--json-out FILE]

Needs the `nudenet` extra. For each frame size (the built-in model's, Wan 480p and
720p) it times what the worker adds to every job when
MODERATION_FRAME_CLASSIFIERS=moderation.nudenet_frames.classify_frames: sampling the
decoded frames (moderation.services.frames_sample, float frames as the pipeline
returns them) and the detector on the samples. The detector's one-time load per
worker process is timed separately. Frames are seeded noise: the detector's cost
does not depend on what the picture shows (every input is resized to 320x320).
Prints a table and a JSON document.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZES = [
    ("builtin 64x64, 9 frames", 64, 64, 9),
    ("Wan 480x832, 81 frames", 480, 832, 81),
    ("720x1280, 81 frames", 720, 1280, 81),
]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="timed jobs per size")
    parser.add_argument("--samples", type=int, default=8, help="MODERATION_FRAME_SAMPLES")
    parser.add_argument("--json-out", type=Path)
    return parser.parse_args(argv)


def _ms(seconds: list[float], q: float) -> float:
    ordered = sorted(seconds)
    return round(1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)


def measure(args: argparse.Namespace) -> dict[str, Any]:
    import django
    import numpy as np

    # frames_sample lives with the screening service, which needs settings (no database).
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sora_site.settings")
    os.environ.setdefault("SORA_DATA_DIR", tempfile.mkdtemp(prefix="bench-frames-"))
    django.setup()

    from moderation.nudenet_frames import classify_frames, detector
    from moderation.services import frames_sample

    started = time.perf_counter()
    detector()
    load_s = time.perf_counter() - started
    rng = np.random.default_rng(20261201)
    rows = []
    for label, height, width, count in SIZES:
        frames = rng.random((count, height, width, 3), dtype=np.float32)
        classify_frames(frames=frames_sample(frames, count=args.samples), prompt="")  # warm
        sample_s, classify_s = [], []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            sampled = frames_sample(frames, count=args.samples)
            t1 = time.perf_counter()
            classify_frames(frames=sampled, prompt="")
            t2 = time.perf_counter()
            sample_s.append(t1 - t0)
            classify_s.append(t2 - t1)
        total = [a + b for a, b in zip(sample_s, classify_s, strict=True)]
        rows.append(
            {
                "size": label,
                "frames_screened": len(sampled),
                "sample_ms_p50": _ms(sample_s, 0.5),
                "detector_ms_p50": _ms(classify_s, 0.5),
                "detector_ms_p95": _ms(classify_s, 0.95),
                "per_job_ms_p50": _ms(total, 0.5),
                "per_job_ms_p95": _ms(total, 0.95),
                "per_job_ms_mean": round(1000 * statistics.fmean(total), 1),
            }
        )
    return {
        "detector_load_s": round(load_s, 3),
        "runs_per_size": args.runs,
        "samples": args.samples,
        "cpu_count": os.cpu_count(),
        "machine": platform.machine(),
        "python": platform.python_version(),
        "rows": rows,
    }


def print_table(result: dict[str, Any]) -> None:
    print(f"NudeNet detector load (once per worker process): {result['detector_load_s']} s")
    print(
        f"{result['runs_per_size']} jobs per size, {result['samples']} sampled frames, "
        f"{result['cpu_count']} CPUs"
    )
    header = ("size", "frames", "sample p50", "detect p50", "detect p95", "job p50", "job p95")
    print(f"{header[0]:<26} {header[1]:>6} " + " ".join(f"{h:>10}" for h in header[2:]) + "  (ms)")
    for row in result["rows"]:
        cells = [
            row["sample_ms_p50"],
            row["detector_ms_p50"],
            row["detector_ms_p95"],
            row["per_job_ms_p50"],
            row["per_job_ms_p95"],
        ]
        print(
            f"{row['size']:<26} {row['frames_screened']:>6} "
            + " ".join(f"{c:>10.1f}" for c in cells)
        )


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    result = measure(args)
    print_table(result)
    document = json.dumps(result, indent=2)
    print(document)
    if args.json_out:
        args.json_out.write_text(document + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
