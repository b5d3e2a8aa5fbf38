"""`manage.py serve`: the whole studio on one machine, started and stopped together.

Applies pending migrations (unless --no-migrate), owns the embedded Redis (unless
REDIS_URL is set), then starts the ASGI server (HTTP + websockets) and one
django-q2 worker cluster as child processes. Ctrl-C or SIGTERM stops the
children, then Redis, and leaves no process behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from access.services import bootstrap_staff_invitation
from sora_site import embedded, schema
from sora_site.asgi_server import web_server_argv

STOP_GRACE_SECONDS = 15
PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Linux: a child gets SIGTERM if serve itself is killed, so none is orphaned."""
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class Command(BaseCommand):
    help = "Run the web server, one worker cluster and (by default) an embedded Redis."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--no-worker", action="store_true", help="Do not start a worker cluster here."
        )
        parser.add_argument(
            "--no-migrate",
            action="store_true",
            help="Do not apply pending database migrations before starting.",
        )
        parser.add_argument(
            "--web-workers",
            type=int,
            default=settings.WEB_WORKERS,
            help="web server processes sharing the port (WEB_WORKERS)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self._stopping = False
        self._children: list[tuple[str, subprocess.Popen[bytes]]] = []
        try:
            lock = embedded.lock_data_dir(settings.DATA_DIR)
        except embedded.DataDirBusy as exc:
            raise CommandError(str(exc)) from None
        try:
            self._prepare_database(migrate=not options["no_migrate"])
        except (schema.DatabaseUnreachable, CommandError) as exc:
            lock.close()
            raise CommandError(str(exc)) from None
        self._redis: EmbeddedRedisSupervisor | None = None
        previous = {
            sig: signal.signal(sig, self._request_stop) for sig in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            if settings.EMBEDDED_REDIS:
                self._redis = EmbeddedRedisSupervisor(
                    Path(settings.REDIS_URL[len("unix://") :]), log=self.stderr.write
                )
            self._metrics_dir = _metrics_dir_reset()
            self._start_children(options)
            self._announce(options["host"], options["port"])
            exit_code = self._supervise()
        finally:
            self._stop_children()
            if self._redis is not None:
                self._redis.stop()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            lock.close()
        self.stdout.write("Studio stopped.")
        if exit_code:
            sys.exit(exit_code)

    def _prepare_database(self, *, migrate: bool) -> None:
        """Nothing starts on a schema that is behind the code: that ends in 'no such table'."""
        if not migrate:
            schema.database_check()
            pending = schema.migrations_pending()
            if pending:
                raise CommandError(
                    f"{len(pending)} database migrations are not applied and --no-migrate "
                    "was given: run `manage.py migrate` first, or start without --no-migrate."
                )
            return
        self.stdout.write(f"Checking the database schema ({schema.database_description()})…")
        applied = schema.migrations_apply()
        if applied:
            self.stdout.write(f"Applied {len(applied)} migrations: {_migrations_summary(applied)}")
        else:
            self.stdout.write("The database schema is up to date.")

    def _request_stop(self, signum: int, frame: object) -> None:
        self._stopping = True

    def _child_env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["REDIS_URL"] = settings.REDIS_URL  # hand the embedded socket to the children
        env["SORA_DATA_DIR"] = str(settings.DATA_DIR)
        env.setdefault("DJANGO_SETTINGS_MODULE", "sora_site.settings")
        env["PYTHONUNBUFFERED"] = "1"
        # Web server and workers write their own metrics here; /metrics adds them up.
        env["PROMETHEUS_MULTIPROC_DIR"] = str(self._metrics_dir)
        return env

    def _spawn(self, name: str, argv: list[str]) -> None:
        process = subprocess.Popen(
            argv,
            cwd=settings.BASE_DIR,
            env=self._child_env(),
            start_new_session=True,  # serve alone decides when children stop
            preexec_fn=_die_with_parent,
        )
        self._children.append((name, process))

    def _start_children(self, options: dict[str, Any]) -> None:
        manage_py = str(Path(settings.BASE_DIR) / "manage.py")
        self._spawn(
            "web",
            web_server_argv(
                host=options["host"], port=options["port"], workers=options["web_workers"]
            ),
        )
        self._spawn("sweeper", [sys.executable, manage_py, "sweep"])
        if not options["no_worker"]:
            self._spawn("worker", [sys.executable, manage_py, "qcluster"])

    def _announce(self, host: str, port: int) -> None:
        shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104
        base = f"http://{shown_host}:{port}"
        self.stdout.write(self.style.SUCCESS(f"Studio is starting at {base}/"))
        token_path = bootstrap_staff_invitation(email=settings.SORA_ADMIN_EMAIL)
        if token_path:
            self.stdout.write(
                "No staff account yet. Create the first one (single use, expires in "
                f"{settings.INVITATION_DAYS} days):\n  {base}{token_path}\n"
                f"  sign up there as {settings.SORA_ADMIN_EMAIL} "
                "(set SORA_ADMIN_EMAIL to change it)"
            )
        self.stdout.write("Press Ctrl-C to stop the web server, the worker and Redis together.")

    def _supervise(self) -> int:
        while not self._stopping:
            if self._redis is not None:
                self._redis.keep_alive()
            for name, process in self._children:
                code = process.poll()
                if code is not None:
                    self.stderr.write(f"The {name} process exited with code {code}; stopping.")
                    return 1
            time.sleep(0.3)
        return 0

    def _stop_children(self) -> None:
        for _, process in self._children:
            if process.poll() is None:
                # Only the leader: qcluster stops its own forked workers in order.
                process.terminate()
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for name, process in self._children:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.stderr.write(f"The {name} process did not stop in time; killing it.")
            # Kill whatever is left in its group (forked workers included).
            _signal_group(process, signal.SIGKILL)
            process.wait()
        self._children.clear()


def _migrations_summary(applied: list[str], listed: int = 10) -> str:
    """Each name for an upgrade's few migrations; a count per app for a new database."""
    if len(applied) <= listed:
        return ", ".join(applied)
    per_app = Counter(name.split(".", 1)[0] for name in applied)
    return ", ".join(f"{app} ({count})" for app, count in per_app.items())


def _metrics_dir_reset() -> Path:
    """prometheus-client's multiprocess directory, emptied: files left by processes of
    an earlier run would otherwise be added to this run's counters and gauges."""
    path = Path(os.environ.get("PROMETHEUS_MULTIPROC_DIR") or settings.DATA_DIR / "metrics")
    path.mkdir(parents=True, exist_ok=True)
    for stale in path.glob("*.db"):
        stale.unlink(missing_ok=True)
    return path


class EmbeddedRedisSupervisor:
    """Owns the embedded Redis and starts it again within a second if it dies.

    The children reconnect on their own (redis-py retries on the next command), and
    the sweeper sees the new server's run id and hands queued jobs over at once.
    """

    def __init__(self, socket_path: Path, log: Callable[[str], Any]) -> None:
        self.socket_path = socket_path
        self.log = log
        self.server = embedded.start_embedded_redis(socket_path)
        self.restarts = 0

    def keep_alive(self) -> None:
        if embedded.embedded_redis_alive(self.server):
            return
        self.restarts += 1
        self.log(
            f"The embedded Redis (pid {getattr(self.server, 'pid', '?')}) stopped; "
            f"restarting it (restart {self.restarts})."
        )
        embedded.forget_embedded_redis(self.server)
        try:
            self.server = embedded.start_embedded_redis(self.socket_path)
        except Exception as exc:  # try again on the next round
            self.log(f"The embedded Redis did not start again: {exc}")
            return
        self.log(f"The embedded Redis is running again (pid {getattr(self.server, 'pid', '?')}).")

    def stop(self) -> None:
        embedded.stop_embedded_redis(self.server)


def _signal_group(process: subprocess.Popen[bytes], sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
