"""Where a request came from: X-Forwarded-For counts only when our own proxy sent it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.test import RequestFactory, override_settings

from access.audit import client_ip


def request(remote: str, forwarded: str | None = None) -> HttpRequest:
    made = RequestFactory().get("/")
    made.META["REMOTE_ADDR"] = remote
    if forwarded is not None:
        made.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return made


@override_settings(TRUSTED_PROXIES=[])
def test_without_trusted_proxies_the_header_is_ignored() -> None:
    assert client_ip(request("198.51.100.9", "1.2.3.4")) == "198.51.100.9"


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
def test_header_from_an_untrusted_peer_is_ignored() -> None:
    assert client_ip(request("198.51.100.9", "1.2.3.4")) == "198.51.100.9"


@override_settings(TRUSTED_PROXIES=["10.0.0.1"])
def test_trusted_proxy_gives_the_client_address() -> None:
    assert client_ip(request("10.0.0.1", "203.0.113.5")) == "203.0.113.5"


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8", "192.168.1.1"])
def test_right_most_untrusted_address_wins_over_forged_ones() -> None:
    # The client wrote "1.1.1.1" itself; our proxies appended the rest.
    forwarded = "1.1.1.1, 203.0.113.5, 10.1.2.3, 192.168.1.1"
    assert client_ip(request("10.0.0.1", forwarded)) == "203.0.113.5"


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
def test_chain_of_only_proxies_gives_the_left_most() -> None:
    assert client_ip(request("10.0.0.1", "10.0.0.9, 10.0.0.8")) == "10.0.0.9"


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8"])
def test_garbage_in_the_header_stops_the_walk() -> None:
    assert client_ip(request("10.0.0.1", "203.0.113.5, not-an-ip")) == "10.0.0.1"
    assert client_ip(request("10.0.0.1", "")) == "10.0.0.1"


@override_settings(TRUSTED_PROXIES=["10.0.0.0/8", "::1"])
def test_ports_and_ipv6_are_understood() -> None:
    assert client_ip(request("::1", "[2001:db8::7]:4711")) == "2001:db8::7"
    assert client_ip(request("10.0.0.1", "203.0.113.5:8080")) == "203.0.113.5"


def test_a_peer_that_is_not_an_address_gives_none() -> None:
    assert client_ip(request("")) is None


@override_settings(TRUSTED_PROXIES=["not-a-network"])
def test_a_typo_in_trusted_proxies_fails_loudly() -> None:
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
        client_ip(request("10.0.0.1", "203.0.113.5"))
