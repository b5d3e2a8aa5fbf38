"""Generation benchmark: the built-in model, raw and through the whole system.

    .venv/bin/python bench/generation.py [--runs N] [--json-out FILE]

Measures, for two sizes of the built-in model:
- raw: pipeline + MP4 encode in a loop in this process (model warm);
- system: submit -> stored video through a real `manage.py serve` (embedded Redis,
  daphne, one qcluster worker), and the ratio system / raw;
- enqueue -> worker start latency (p50/p95);
- step callback -> websocket client latency (p50/p95), with a real websocket
  client signed in as the job's owner;
- model cold load vs warm.
Prints a table and a JSON document. Everything runs on 127.0.0.1 and stops itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SIZES = [("small", 64, 64, 9), ("medium", 128, 128, 17)]
STEPS = 4


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def setup_django(data_dir: Path) -> None:
    os.environ["SORA_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sora_site.settings")
    # The bench submits many jobs quickly: lift this process's quotas and rate limit.
    os.environ.update(SUBMIT_RATE="100000/m", QUOTA_DAILY_SECONDS="100000000")
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def params_for(width: int, height: int, frames: int, seed: int):
    from generation.params import GenerationParams

    return GenerationParams(
        prompt="a paper boat drifting on a pond, soft light",
        negative_prompt="",
        num_frames=frames,
        width=width,
        height=height,
        steps=STEPS,
        guidance=5.0,
        seed=seed,
        fps=8,
    )


def bench_model_load() -> dict[str, float]:
    from generation import backends

    backends.model_cache_clear()
    started = time.perf_counter()
    backends.get_model()
    cold = time.perf_counter() - started
    started = time.perf_counter()
    backends.get_model()
    warm = time.perf_counter() - started
    return {"cold_s": cold, "warm_s": warm}


def bench_raw(width: int, height: int, frames: int, runs: int) -> list[float]:
    from generation.backends import get_model, run_pipeline
    from generation.encoding import encode_mp4, make_poster

    model = get_model()
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(runs):
            started = time.perf_counter()
            out = run_pipeline(
                model=model,
                params=params_for(width, height, frames, run),
                on_step=lambda i, n: None,
            )
            encode_mp4(frames=out, fps=8, path=Path(tmp) / f"{run}.mp4")
            make_poster(frames=out)
            times.append(time.perf_counter() - started)
    return times


class Serve:
    """A real `manage.py serve` on a free port with the bench's data dir."""

    def __init__(self, data_dir: Path) -> None:
        self.port = free_port()
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
        env.update(SORA_DATA_DIR=str(data_dir), PYTHONUNBUFFERED="1", LOG_LEVEL="warning")
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "manage.py"), "serve", "--port", str(self.port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def wait_healthy(self, timeout: float = 90) -> None:
        import requests

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{self.port}/healthz", timeout=2).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise RuntimeError("serve did not become healthy")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


class SocketListener(threading.Thread):
    """A websocket client signed in as the owner, recording step-update latency."""

    def __init__(self, port: int, cookie: str) -> None:
        super().__init__(daemon=True)
        self.url = f"ws://127.0.0.1:{port}/ws/events/"
        self.cookie = cookie
        self.latencies: list[float] = []
        self.ready = threading.Event()
        self.stop_flag = False

    def run(self) -> None:
        asyncio.run(self._listen())

    async def _listen(self) -> None:
        import websockets

        headers = {"Cookie": self.cookie}
        origin = f"http://127.0.0.1:{self.url.split(':')[2].split('/')[0]}"
        async with websockets.connect(
            self.url,
            additional_headers=headers,
            origin=origin,  # type: ignore[arg-type]
        ) as ws:
            self.ready.set()
            while not self.stop_flag:
                try:
                    raw = await asyncio.wait_for(ws.recv(), timeout=0.5)
                except TimeoutError:
                    continue
                received = time.time()
                message = json.loads(raw)
                job = message.get("job") or {}
                if (
                    message.get("type") == "job"
                    and job.get("status") == "running"
                    and job.get("step")
                ):
                    self.latencies.append(received - float(job["sent_at"]))


def session_cookie(user) -> str:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def submit_and_wait(owner, width: int, height: int, frames: int, seed: int) -> dict[str, float]:
    from generation.models import Job, JobStatus
    from generation.services import Submission, job_submit

    submission = Submission(
        params=params_for(width, height, frames, seed),
        aspect="1:1",
        variations=1,
        seed_was_random=False,
    )
    started = time.perf_counter()
    job = job_submit(owner=owner, submission=submission)[0]
    while True:
        job.refresh_from_db()
        if job.status not in (JobStatus.SCREENING, JobStatus.QUEUED, JobStatus.RUNNING):
            break
        time.sleep(0.02)
    total = time.perf_counter() - started
    if job.status != JobStatus.SUCCEEDED:
        raise RuntimeError(f"job {job.pk} ended {job.status}: {job.error}")
    job = Job.objects.get(pk=job.pk)
    deadline = time.monotonic() + 5
    while not job.timings and time.monotonic() < deadline:  # written just after success
        time.sleep(0.02)
        job.refresh_from_db(fields=["timings"])
    assert job.started_at is not None and job.enqueued_at is not None
    start_latency = (job.started_at - job.enqueued_at).total_seconds()
    return {"total_s": total, "enqueue_to_start_s": start_latency, "phases": job.timings}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="studio-bench-") as tmp:
        data_dir = Path(tmp) / "var"
        setup_django(data_dir)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        results: dict[str, Any] = {"steps": STEPS, "runs": args.runs, "sizes": {}}
        results["model_load"] = bench_model_load()
        for name, width, height, frames in SIZES:
            bench_raw(width, height, frames, 1)  # warm-up
            results["sizes"][name] = {
                "size": f"{width}x{height}x{frames}",
                "raw_s": bench_raw(width, height, frames, args.runs),
            }

        serve = Serve(data_dir)
        try:
            serve.wait_healthy()
            from django.contrib.auth import get_user_model

            owner = get_user_model().objects.create_user(
                username="bench@example.com", email="bench@example.com", password=None
            )
            listener = SocketListener(serve.port, session_cookie(owner))
            listener.start()
            listener.ready.wait(20)
            starts: list[float] = []
            for name, width, height, frames in SIZES:
                submit_and_wait(owner, width, height, frames, 999)  # worker warm-up
                runs = [
                    submit_and_wait(owner, width, height, frames, run) for run in range(args.runs)
                ]
                results["sizes"][name]["system_s"] = [r["total_s"] for r in runs]
                results["sizes"][name]["phases"] = [r["phases"] for r in runs]
                starts += [r["enqueue_to_start_s"] for r in runs]
            time.sleep(0.5)
            listener.stop_flag = True
            listener.join(5)
            results["enqueue_to_start_s"] = starts
            results["step_to_websocket_s"] = listener.latencies
        finally:
            serve.stop()
    report(results, args.json_out)


def row(label: str, values: list[float]) -> None:
    print(f"{label:48} {percentile(values, 50):10.3f} {percentile(values, 95):10.3f}")


def phases_report(runs: list[dict[str, float]]) -> dict[str, float]:
    """Where the worker's time went, per phase (generation/timing.py), p50 in ms."""
    names = [name for name in runs[0] if name != "wall"] + ["wall"] if runs else []
    medians = {}
    for name in names:
        values = [run.get(name, 0.0) * 1000 for run in runs]
        medians[name] = round(statistics.median(values), 2)
        row(f"  worker phase: {name} (ms)", values)
    return medians


def report(results: dict[str, Any], json_out: Path | None) -> None:
    summary: dict[str, Any] = {"model_load": results["model_load"], "sizes": {}}
    print(f"{'measure':48} {'p50':>10} {'p95':>10}")
    for name, data in results["sizes"].items():
        raw, system = data["raw_s"], data["system_s"]
        ratio = statistics.median(system) / statistics.median(raw)
        summary["sizes"][name] = {
            "size": data["size"],
            "raw_p50_s": percentile(raw, 50),
            "system_p50_s": percentile(system, 50),
            "system_over_raw": ratio,
        }
        row(f"raw pipeline+encode {data['size']} (s)", raw)
        row(f"submit->stored video {data['size']} (s)", system)
        print(f"{'  ratio system/raw (median)':48} {ratio:10.2f}")
        overhead = statistics.median(system) - statistics.median(raw)
        summary["sizes"][name]["overhead_p50_ms"] = round(overhead * 1000, 1)
        print(f"{'  system - raw (median, ms)':48} {overhead * 1000:10.1f}")
        summary["sizes"][name]["phases_p50_ms"] = phases_report(data["phases"])
    for key, label in (
        ("enqueue_to_start_s", "enqueue -> worker start"),
        ("step_to_websocket_s", "step callback -> websocket client"),
    ):
        values = results[key]
        summary[key] = {
            "p50": percentile(values, 50),
            "p95": percentile(values, 95),
            "n": len(values),
        }
        row(f"{label} (ms, n={len(values)})", [v * 1000 for v in values])
    load = results["model_load"]
    label = "model load: cold (s) / warm (ms)"
    print(f"{label:48} {load['cold_s']:10.3f} {load['warm_s'] * 1000:10.3f}")
    document = {"summary": summary, "raw": results}
    print(json.dumps(document["summary"], indent=2))
    if json_out:
        json_out.write_text(json.dumps(document, indent=2))


if __name__ == "__main__":
    main()
