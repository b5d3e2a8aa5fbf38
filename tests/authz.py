"""Shared machinery for the authorization matrix: roles, URL walking, requests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

ROLES = ("anonymous", "invited", "artist", "other_artist", "revoked", "moderator", "staff")


@dataclass(frozen=True)
class Route:
    name: str | None
    pattern: str
    namespace: str


def walk(patterns: list | None = None, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    """Every URL pattern in the URLconf, with its full name and namespace."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name}" if pattern.name else None
            yield Route(name, prefix + str(pattern.pattern), namespace)


def status_of(client: Client, method: str, url: str) -> int:
    if method == "GET":
        return client.get(url).status_code
    return client.post(url, data={}).status_code
