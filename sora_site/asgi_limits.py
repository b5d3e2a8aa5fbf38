"""An ASGI guard: requests whose headers total more than 16 KB get 431.

uvicorn's h11 limit only applies while a request head is still arriving in
pieces; a large head that arrives in one read is parsed whole. This counts the
parsed headers, so the limit holds however the bytes arrived (and for any server).
"""

from __future__ import annotations

from typing import Any

MAX_HEADER_BYTES = 16 * 1024
BODY = b"Request header fields too large: keep the headers under 16 KB.\n"

Scope = dict[str, Any]


class HeaderLimit:
    def __init__(self, app: Any, limit: int = MAX_HEADER_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] in ("http", "websocket") and self._too_big(scope):
            await self._refuse(scope, send)
            return
        await self.app(scope, receive, send)

    def _too_big(self, scope: Scope) -> bool:
        total = sum(len(name) + len(value) + 4 for name, value in scope.get("headers", ()))
        return total > self.limit

    async def _refuse(self, scope: Scope, send: Any) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 4431})  # refuses the handshake
            return
        headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"connection", b"close")]
        await send({"type": "http.response.start", "status": 431, "headers": headers})
        await send({"type": "http.response.body", "body": BODY})
