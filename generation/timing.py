"""Where a job's wall time goes: exclusive time per phase, recorded by the worker.

`job_run` opens a recorder; code anywhere below it marks phases with
`with phase("encode"):`. Phases nest and each second counts once, in the
innermost phase (a broadcast inside a step callback inside denoising counts as
"broadcasts", not "denoise"). With no recorder open, `phase` does nothing, so web
processes and tests pay nothing. The result is kept on the Job (`timings`) for
bench/generation.py.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

PHASES = (
    "claim",
    "checks",
    "model fetch",
    "denoise",
    "decode",
    "provenance",
    "encode",
    "poster",
    "store",
    "database writes",
    "broadcasts",
)


class PhaseRecorder:
    def __init__(self) -> None:
        self.totals: defaultdict[str, float] = defaultdict(float)
        self.started = time.perf_counter()
        self._stack: list[list[object]] = []  # [name, since]

    def enter(self, name: str) -> None:
        now = time.perf_counter()
        if self._stack:
            self._charge(self._stack[-1], now)
        self._stack.append([name, now])

    def leave(self) -> None:
        now = time.perf_counter()
        self._charge(self._stack.pop(), now)
        if self._stack:
            self._stack[-1][1] = now

    def switch(self, name: str) -> None:
        """The innermost phase goes on as `name` (denoising ends, decoding begins)."""
        if self._stack:
            now = time.perf_counter()
            self._charge(self._stack[-1], now)
            self._stack[-1][:] = [name, now]

    def _charge(self, entry: list[object], now: float) -> None:
        name, since = entry
        self.totals[str(name)] += now - float(since)  # type: ignore[arg-type]
        entry[1] = now

    def as_dict(self) -> dict[str, float]:
        wall = time.perf_counter() - self.started
        result = {name: round(self.totals.get(name, 0.0), 5) for name in PHASES}
        result["other"] = round(max(0.0, wall - sum(self.totals.values())), 5)
        result["wall"] = round(wall, 5)
        return result


_current: ContextVar[PhaseRecorder | None] = ContextVar("phase_recorder", default=None)


@contextmanager
def phases_recorded() -> Iterator[PhaseRecorder]:
    recorder = PhaseRecorder()
    token = _current.set(recorder)
    try:
        yield recorder
    finally:
        _current.reset(token)


@contextmanager
def phase(name: str) -> Iterator[None]:
    recorder = _current.get()
    if recorder is None:
        yield
        return
    recorder.enter(name)
    try:
        yield
    finally:
        recorder.leave()


def phase_switch(name: str) -> None:
    recorder = _current.get()
    if recorder is not None:
        recorder.switch(name)


def phases_so_far() -> dict[str, float]:
    """The open recorder's figures now (empty outside a worker's job)."""
    recorder = _current.get()
    return recorder.as_dict() if recorder is not None else {}
