"""`manage.py workers --model NAME --gpus 0,1`: one worker cluster per GPU, pinned to it.

Each GPU gets its own `manage.py qcluster` process with one worker, started with
CUDA_VISIBLE_DEVICES=<that GPU>, so inside it the GPU is `cuda:0` and it can see
no other. This process never imports torch (so it never touches CUDA): it only
starts, watches and stops its children. SIGTERM or Ctrl-C stops them all; if one
exits, the others are stopped and the command exits with its status, for the
host's supervisor (systemd, a container runtime) to restart.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from generation.models import ModelEntry
from sora_site.management.commands.serve import _die_with_parent

STOP_GRACE_SECONDS = 20


def parse_gpus(text: str) -> list[str]:
    gpus = [part.strip() for part in text.split(",") if part.strip()]
    if not gpus or not all(gpu.isdigit() for gpu in gpus) or len(set(gpus)) != len(gpus):
        raise CommandError(f"--gpus takes distinct GPU numbers, e.g. 0,1,2 (got {text!r})")
    return gpus


def cluster_env(*, model: str, gpu: str | None) -> dict[str, str]:
    env = {**os.environ, "Q_WORKERS": "1"}
    if model:
        env["WORKER_MODEL"] = model
    if gpu is not None:
        env.update(CUDA_VISIBLE_DEVICES=gpu, GENERATION_DEVICE="cuda:0")
    return env


class Command(BaseCommand):
    help = "Run one worker cluster per GPU for one catalogue model."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--model",
            default=settings.WORKER_MODEL,
            help="catalogue entry to serve (default: WORKER_MODEL; empty: GENERATION_MODEL)",
        )
        parser.add_argument(
            "--gpus",
            default=os.environ.get("WORKER_GPUS", ""),
            help="comma-separated GPU numbers, one worker process each (default: WORKER_GPUS)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        model = options["model"]
        if model and not ModelEntry.objects.filter(name=model).exists():
            raise CommandError(
                f"--model {model!r} is not in the model catalogue (admin: Generation > "
                "Catalogue models)."
            )
        gpus: list[str | None] = list(parse_gpus(options["gpus"])) if options["gpus"] else [None]
        children = [self._start(model=model, gpu=gpu) for gpu in gpus]
        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        code = 0
        while not stopping:
            ended = [child for child in children if child.poll() is not None]
            if ended:
                code = ended[0].returncode or 1
                self.stderr.write(f"worker cluster {ended[0].pid} exited with {code}: stopping")
                break
            time.sleep(0.5)
        self._stop_all(children)
        if code:
            sys.exit(code)

    def _start(self, *, model: str, gpu: str | None) -> subprocess.Popen[bytes]:
        manage = Path(settings.BASE_DIR) / "manage.py"
        child = subprocess.Popen(
            [sys.executable, str(manage), "qcluster"],
            env=cluster_env(model=model, gpu=gpu),
            preexec_fn=_die_with_parent,
        )
        where = f"GPU {gpu}" if gpu is not None else settings.GENERATION_DEVICE
        self.stdout.write(
            f"worker cluster {child.pid}: {model or settings.GENERATION_MODEL} on {where}"
        )
        return child

    def _stop_all(self, children: list[subprocess.Popen[bytes]]) -> None:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
