"""How `serve` runs the ASGI server (uvicorn), kept apart from serve's process handling.

Why uvicorn and not daphne: daphne's `--proxy-headers` believes X-Forwarded-For from
any client (it has no list of trusted proxies), it runs one process only, and it
leaves a request with oversized headers unanswered. uvicorn can turn proxy headers
off, runs several web processes on one socket, and bounds header size (h11).

Proxy headers are never applied by the server: `access.audit.client_ip` is the one
place that reads X-Forwarded-For, and only from TRUSTED_PROXIES. uvicorn's own
`--forwarded-allow-ips` would be a second implementation that, for instance, takes
`X-Forwarded-For: unknown` as the client's "address".
"""

from __future__ import annotations

import sys

from uvicorn.protocols.http.h11_impl import H11Protocol

from sora_site.asgi_limits import BODY as HEADERS_TOO_LARGE

# h11's default limit on a request's head (request line + headers), in bytes.
MAX_HEAD_BYTES = 16 * 1024
# Clients only send pings: anything bigger than this is not one of ours.
WS_MAX_BYTES = 64 * 1024
GRACEFUL_SECONDS = 10


class StudioH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, answering 431 (not 400) when a head arriving in pieces
    grows too big; a big head that arrived whole meets sora_site.asgi_limits."""

    def send_400_response(self, msg: str) -> None:
        limit = self.config.h11_max_incomplete_event_size or MAX_HEAD_BYTES
        if len(self.conn.trailing_data[0]) <= limit:
            super().send_400_response(msg)
            return
        body = HEADERS_TOO_LARGE
        head = (
            b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
            b"content-type: text/plain; charset=utf-8\r\n"
            b"connection: close\r\n"
            b"content-length: " + str(len(body)).encode() + b"\r\n\r\n"
        )
        self.transport.write(head + body)
        self.transport.close()


def web_server_argv(*, host: str, port: int, workers: int) -> list[str]:
    """The uvicorn command line `serve` starts as its web child."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "sora_site.asgi:application",
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-proxy-headers",  # see the module docstring: client_ip decides, once
        "--http",
        "sora_site.asgi_server:StudioH11Protocol",
        "--h11-max-incomplete-event-size",
        str(MAX_HEAD_BYTES),
        "--ws",
        "websockets-sansio",
        "--ws-max-size",
        str(WS_MAX_BYTES),
        "--timeout-graceful-shutdown",
        str(GRACEFUL_SECONDS),
        "--no-access-log",
        "--lifespan",
        "off",  # Django's ASGI handler does not implement lifespan
    ]
