"""The real Redis channel layer keeps an idle consumer's receive alive past 5 s."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from channels.layers import get_channel_layer
from django.conf import settings as django_settings

from sora_site import settings as site_settings
from tests.services import run_coroutine

pytestmark = pytest.mark.slow


def test_an_idle_receive_outlives_the_blocking_pop_timeout(redis_url: str, settings) -> None:
    site_layer: dict[str, Any] = site_settings.CHANNEL_LAYERS["default"]
    config: dict[str, Any] = dict(site_layer["CONFIG"])
    config["hosts"] = [{**config["hosts"][0], "address": redis_url}]
    settings.CHANNEL_LAYERS = {"default": {**site_layer, "CONFIG": config}}
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    layer = get_channel_layer()
    assert str(django_settings.CHANNEL_LAYERS["default"]["BACKEND"]).startswith("channels_redis")

    async def scenario() -> dict:
        channel = await layer.new_channel()
        receiving = asyncio.create_task(layer.receive(channel))
        await asyncio.sleep(7)  # longer than channels-redis's 5 s blocking pop
        assert not receiving.done(), receiving.exception() if receiving.done() else None
        await layer.send(channel, {"type": "ping"})
        return await asyncio.wait_for(receiving, timeout=5)

    try:
        assert run_coroutine(scenario()) == {"type": "ping"}
    finally:
        channel_layers.backends.clear()
