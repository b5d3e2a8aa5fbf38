"""The model's state as workers last saw it, for /healthz.

The web process never loads the model itself; each worker records whether its
load succeeded in the shared cache (Redis), so an unloadable GENERATION_MODEL
shows up on /healthz with its reason instead of as a crash loop.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache

log = logging.getLogger(__name__)
MODEL_STATE_KEY = "generation:model-state"


def model_state_record(*, ok: bool, detail: str) -> None:
    """Best-effort: /healthz reads this, but no job may fail because Redis is down."""
    state = {"ok": ok, "detail": detail, "model": settings.GENERATION_MODEL, "at": time.time()}
    try:
        cache.set(MODEL_STATE_KEY, state, timeout=None)
    except Exception as exc:
        log.warning("The model state was not recorded for /healthz (cache unreachable: %s)", exc)


def model_state() -> dict[str, Any] | None:
    state = cache.get(MODEL_STATE_KEY)
    if state and state.get("model") != settings.GENERATION_MODEL:
        return None  # recorded for another configuration
    return state


def check_model() -> tuple[bool, str]:
    state = model_state()
    if state is None:
        return True, f"{settings.GENERATION_MODEL}: not loaded yet (loads on the first job)"
    return bool(state["ok"]), str(state["detail"])
