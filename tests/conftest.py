"""Shared fixtures live in plugin modules so each area owns its own file."""

from collections.abc import Iterator

import pytest
from django.core.cache import cache

from access.selectors import site_state_cache_clear

pytest_plugins = ["tests.people", "tests.services"]


@pytest.fixture(autouse=True)
def fresh_shared_state() -> Iterator[None]:
    """Rate counters and the 1-second site-state copy must not leak between tests."""
    cache.clear()
    site_state_cache_clear()
    yield
    cache.clear()
    site_state_cache_clear()
