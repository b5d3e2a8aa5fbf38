"""`manage.py metrics_exporter`: a GPU host's worker metrics, for Prometheus.

Web nodes answer /metrics themselves. A GPU host runs only `qcluster`, whose forked
workers write their own metrics (encode time) into PROMETHEUS_MULTIPROC_DIR; this
serves that folder, to METRICS_ALLOW addresses only.
"""

from __future__ import annotations

import os
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sora_site.metrics import exporter_app, metrics_networks


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass  # one line per scrape every 15 s is noise


class Command(BaseCommand):
    help = "Serve this host's worker metrics (PROMETHEUS_MULTIPROC_DIR) at /metrics."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
        parser.add_argument("--port", type=int, default=9464)

    def handle(self, *args: Any, **options: Any) -> None:
        path = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
        if not path or not os.path.isdir(path):
            raise CommandError(
                "Set PROMETHEUS_MULTIPROC_DIR to the folder this host's qcluster writes "
                f"its metrics to (got {path!r}); deploy/systemd/studio-worker@.service sets it."
            )
        allowed = metrics_networks(tuple(settings.METRICS_ALLOW))
        if not allowed:
            raise CommandError("METRICS_ALLOW is empty: nobody could read these metrics.")
        app = exporter_app(path=path, allowed=allowed)
        server = make_server(options["host"], options["port"], app, handler_class=_QuietHandler)
        self.stdout.write(f"Serving {path} at http://{options['host']}:{options['port']}/metrics")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
