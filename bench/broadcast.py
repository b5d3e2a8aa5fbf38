"""One live update's cost from a worker: the old per-call event loop against the
process's one sender loop (generation/progress.py), on a real Redis.

    REDIS_URL=redis://127.0.0.1:6379/N .venv/bin/python bench/broadcast.py [--runs N]

REDIS_URL unset: an embedded Redis in a temporary folder. Prints a table and JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def timed(fn, runs: int) -> list[float]:  # type: ignore[no-untyped-def]
    fn()  # warm: connections, imports
    values = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        values.append((time.perf_counter() - started) * 1000)
    return values


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--json-out")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="studio-broadcast-"))
    server = None
    if not os.environ.get("REDIS_URL"):
        from sora_site import embedded

        socket_path = tmp / "redis.sock"
        server = embedded.start_embedded_redis(socket_path)
        os.environ["REDIS_URL"] = f"unix://{socket_path}"
    os.environ.update(SORA_DATA_DIR=str(tmp / "var"), DJANGO_SETTINGS_MODULE="sora_site.settings")
    import django

    django.setup()
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    from generation import progress

    layer = get_channel_layer()
    message = {"type": "job.update", "job": {"id": 1, "step": 1, "steps": 4}}
    results = {
        "async_to_sync per call (before)": timed(
            lambda: async_to_sync(layer.group_send)("user-1", message), args.runs
        ),
        "one sender loop per process (after)": timed(
            lambda: progress.group_send("user-1", message), args.runs
        ),
    }
    if server is not None:
        from sora_site import embedded

        embedded.stop_embedded_redis(server)
    print(f"{'group_send from sync code':40} {'p50 ms':>8} {'p95 ms':>8}")
    summary = {}
    for label, values in results.items():
        p50 = statistics.median(values)
        p95 = sorted(values)[max(0, round(0.95 * (len(values) - 1)))]
        summary[label] = {"p50_ms": round(p50, 3), "p95_ms": round(p95, 3), "n": len(values)}
        print(f"{label:40} {p50:8.2f} {p95:8.2f}")
    text = json.dumps(summary, indent=2)
    print(text)
    if args.json_out:
        Path(args.json_out).write_text(text)


if __name__ == "__main__":
    main()
