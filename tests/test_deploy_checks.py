"""The studio's system checks warn about unsafe production settings."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from sora_site.checks import check_deploy, check_metrics_allow, check_production


@pytest.fixture(autouse=True)
def own_signing_certificate(settings) -> None:
    """The baseline is a safe production: it signs with its own certificate (the
    signing test below takes it away)."""
    settings.C2PA_SIGN_CERT = "/etc/studio/c2pa.pem"


def ids(messages) -> list[str]:
    return sorted(message.id for message in messages)


def test_a_safe_configuration_gets_no_warning(settings) -> None:
    settings.PRODUCTION = True
    settings.DEBUG = False
    assert check_production() == []


def test_debug_in_production_is_a_warning(settings) -> None:
    settings.PRODUCTION, settings.DEBUG = True, True
    assert ids(check_production()) == ["sora_site.W001"]
    assert check_deploy() == []  # said once, not twice, under check --deploy


def test_outside_production_only_check_deploy_speaks(settings) -> None:
    settings.PRODUCTION, settings.DEBUG = False, True
    assert check_production() == []
    assert ids(check_deploy()) == ["sora_site.W001"]


def test_a_proxy_without_trusted_proxies_is_a_warning(settings) -> None:
    settings.PRODUCTION = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXIES = []
    (warning,) = check_production()
    assert warning.id == "sora_site.W002" and "TRUSTED_PROXIES" in warning.msg
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert check_production() == []


@pytest.mark.parametrize(
    ("media_url", "options", "says"),
    [
        ("/media/", {}, "MEDIA_URL is '/media/'"),
        ("", {"base_url": "https://cdn.example.org/"}, "base_url"),
        ("", {"default_acl": "public-read"}, "ACL 'public-read'"),
        ("", {"querystring_auth": False}, "unsigned object URLs"),
        ("", {"custom_domain": "media.example.org"}, "media.example.org"),
    ],
)
def test_public_media_is_a_warning(settings, media_url, options, says) -> None:
    settings.PRODUCTION = True
    settings.MEDIA_URL = media_url
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "x", "OPTIONS": options}}
    (warning,) = check_production()
    assert warning.id == "sora_site.W003" and says in warning.msg


def test_signing_with_the_default_certificate_is_a_warning(settings) -> None:
    settings.PRODUCTION = True
    settings.C2PA_ENABLED = True
    settings.C2PA_SIGN_CERT = ""
    assert ids(check_production()) == ["sora_site.W004"]
    settings.C2PA_SIGN_CERT = "/etc/studio/c2pa.pem"
    assert check_production() == []
    settings.C2PA_ENABLED, settings.C2PA_SIGN_CERT = False, ""
    assert check_production() == []


def test_metrics_allow_must_be_addresses_and_not_everyone(settings) -> None:
    settings.METRICS_ALLOW = ["10.0.0.0/8", "not-an-ip"]
    (error,) = check_metrics_allow()
    assert error.id == "sora_site.E001" and "'not-an-ip'" in error.msg
    settings.METRICS_ALLOW = ["0.0.0.0/0"]
    assert ids(check_metrics_allow()) == ["sora_site.W005"]
    settings.METRICS_ALLOW = ["10.0.0.0/8"]
    assert check_metrics_allow() == []


def test_check_deploy_reports_the_studio_warnings(settings) -> None:
    settings.PRODUCTION, settings.DEBUG = False, True
    out, err = io.StringIO(), io.StringIO()
    call_command("check", "--deploy", stdout=out, stderr=err)
    assert "sora_site.W001" in err.getvalue()
