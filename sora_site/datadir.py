"""The one data directory that holds all state of the embedded default."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def ensure_data_dir(data_dir: Path) -> Path:
    data_dir.mkdir(parents=True, exist_ok=True)
    for sub in ("media", "redis"):
        (data_dir / sub).mkdir(exist_ok=True)
    return data_dir


def load_or_create_secret_key(data_dir: Path) -> str:
    """Keep a generated key in the data directory so sessions survive restarts.

    Written with O_EXCL so two processes starting together agree on one key.
    """
    path = data_dir / "secret_key"
    if not path.exists():
        key = secrets.token_urlsafe(64)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(key)
    return path.read_text().strip()


def embedded_redis_socket(data_dir: Path) -> Path:
    return data_dir / "redis" / "redis.sock"
