"""The live-progress websocket: one per open page, for the signed-in owner only.

Authenticated by the session (AuthMiddlewareStack) and origin-checked
(AllowedHostsOriginValidator, see sora_site/asgi.py). Each connection joins only
its own user's group, so nobody receives another person's jobs.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from generation.metrics import WEBSOCKETS_OPEN
from generation.progress import SITE_GROUP, user_group

log = logging.getLogger(__name__)

CLOSE_UNAUTHENTICATED = 4401
CLOSE_REVOKED = 4403
CLOSE_UNAVAILABLE = 4503  # the channel layer (Redis) is down: the page polls meanwhile
NOT_JSON = 'Send JSON text frames, such as {"type": "ping"}.'


class JobEventsConsumer(AsyncJsonWebsocketConsumer):
    group: str | None = None
    counted = False

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close(code=CLOSE_UNAUTHENTICATED)  # refuses the handshake
            return
        try:
            await self.channel_layer.group_add(user_group(user.pk), self.channel_name)
            await self.channel_layer.group_add(SITE_GROUP, self.channel_name)
        except Exception as exc:  # Redis down: refuse cleanly; the page polls and retries
            log.warning("Websocket refused: the channel layer is unreachable (%s)", exc)
            await self.close(code=CLOSE_UNAVAILABLE)
            return
        self.group = user_group(user.pk)
        await self.accept()
        WEBSOCKETS_OPEN.inc()
        self.counted = True
        await self.send_json({"type": "hello", "user": user.pk})

    async def disconnect(self, code: int) -> None:
        if self.counted:  # only accepted sockets were counted
            WEBSOCKETS_OPEN.dec()
            self.counted = False
        if self.group:
            try:
                await self.channel_layer.group_discard(self.group, self.channel_name)
                await self.channel_layer.group_discard(SITE_GROUP, self.channel_name)
            except Exception as exc:  # the group entry expires on its own (group_expiry)
                log.warning("Could not leave the channel groups (%s)", exc)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        """Anything a client sends that is not a JSON text frame gets an error message,
        and the socket stays open: a confused client must never crash the consumer."""
        if text_data is None:
            await self.send_json({"type": "error", "message": NOT_JSON})
            return
        try:
            content = json.loads(text_data)
        except (ValueError, RecursionError):
            await self.send_json({"type": "error", "message": NOT_JSON})
            return
        await self.receive_json(content)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        # Clients only listen; a ping keeps proxies from closing an idle socket.
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})

    async def job_update(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "job", "job": event["job"]})

    async def appeal_decided(self, event: dict[str, Any]) -> None:
        await self.send_json(
            {
                "type": "appeal",
                "job_id": event["job_id"],
                "granted": event["granted"],
                "message": event["message"],
            }
        )

    async def site_update(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "site", "site": event["site"]})

    async def access_revoked(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "revoked", "message": event.get("message", "")})
        await self.close(code=CLOSE_REVOKED)
