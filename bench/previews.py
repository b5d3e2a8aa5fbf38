"""Step-preview cost: the built-in model with and without the worker's previews.

    .venv/bin/python bench/previews.py [--runs N] [--steps S] [--every E] [--sizes a,b]
        [--json-out FILE]

For each size, runs the pipeline (model warm, in this process) alternately without
previews and with the worker's real PreviewWriter (projection, JPEG, storage write,
Job row update on a scratch SQLite database), and reports the median run time of
each, the overhead in percent, and the time spent inside the preview callback
itself as a share of the run (the figure least disturbed by other load on the
machine). Prints a table and a JSON document.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.generation import params_for, setup_django  # noqa: E402

SIZES = [("small", 64, 64, 9), ("medium", 128, 128, 17), ("large", 224, 128, 33)]


class TimedWriter:
    """The worker's PreviewWriter, timing its own calls."""

    def __init__(self, job_id: int, every: int) -> None:
        from generation.previews import PreviewWriter

        self.writer = PreviewWriter(job_id, every=every)
        self.seconds = 0.0
        self.stored = 0

    def __call__(self, step: int, total: int, latents: Any) -> None:
        started = time.perf_counter()
        before = self.writer.every and step % self.writer.every == 0 and step != total
        self.writer(step, total, latents)
        self.seconds += time.perf_counter() - started
        self.stored += int(bool(before))


def bench_size(width: int, height: int, frames: int, runs: int, steps: int, every: int) -> dict:
    from dataclasses import replace

    from django.contrib.auth.models import User

    from generation.backends import get_model, run_pipeline
    from generation.models import Job, JobStatus

    model = get_model()
    owner, _ = User.objects.get_or_create(username="bench", email="bench@example.com")
    job = Job.objects.create(
        owner=owner,
        status=JobStatus.RUNNING,
        prompt="bench",
        width=width,
        height=height,
        num_frames=frames,
        fps=8,
        steps=steps,
        guidance=5.0,
        seed=1,
        model_name="builtin",
    )
    plain: list[float] = []
    with_previews: list[float] = []
    callback_share: list[float] = []
    stored = 0
    run_pipeline(
        model=model,
        params=replace(params_for(width, height, frames, 0), steps=steps),
        on_step=lambda i, n: None,
    )  # warm-up
    for run in range(runs):
        params = replace(params_for(width, height, frames, run), steps=steps)
        started = time.perf_counter()
        run_pipeline(model=model, params=params, on_step=lambda i, n: None)
        plain.append(time.perf_counter() - started)
        writer = TimedWriter(job.pk, every)
        started = time.perf_counter()
        run_pipeline(model=model, params=params, on_step=lambda i, n: None, on_latents=writer)
        elapsed = time.perf_counter() - started
        with_previews.append(elapsed)
        callback_share.append(writer.seconds / elapsed)
        stored = writer.stored
    base, prev = statistics.median(plain), statistics.median(with_previews)
    return {
        "size": f"{width}x{height}x{frames}",
        "steps": steps,
        "previews_per_run": stored,
        "plain_s": base,
        "previews_s": prev,
        "overhead_pct": (prev - base) / base * 100,
        "callback_pct": statistics.median(callback_share) * 100,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--every", type=int, default=5)
    parser.add_argument("--sizes", default="", help="comma-separated: small,medium,large")
    parser.add_argument("--json-out")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(Path(tmp))
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        print(
            f"{'size':<8} {'clip':<12} {'steps':>5} {'previews':>8} {'plain s':>8} "
            f"{'with s':>8} {'overhead %':>10} {'callback %':>10}",
            flush=True,
        )
        rows = []
        for name, w, h, f in SIZES:
            if args.sizes and name not in args.sizes.split(","):
                continue
            r = {"name": name, **bench_size(w, h, f, args.runs, args.steps, args.every)}
            rows.append(r)
            print(
                f"{r['name']:<8} {r['size']:<12} {r['steps']:>5} {r['previews_per_run']:>8} "
                f"{r['plain_s']:>8.3f} {r['previews_s']:>8.3f} {r['overhead_pct']:>10.2f} "
                f"{r['callback_pct']:>10.2f}",
                flush=True,
            )
    document = {"bench": "previews", "runs": args.runs, "every": args.every, "sizes": rows}
    print(json.dumps(document, indent=2))
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(document, indent=2))


if __name__ == "__main__":
    main()
