"""`manage.py invite`: prints the link, emails it, refuses bad input."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper

from access.models import Invitation


def invite(*args: str) -> str:
    out = StringIO()
    call_command("invite", *args, stdout=out)
    return out.getvalue()


def test_it_prints_the_link_and_sends_one_email(db: None) -> None:
    output = invite("erin@example.com", "--role", "moderator", "--days", "3")
    link = re.search(r"http://127\.0\.0\.1:8000/invite/([\w-]+)/", output)
    assert link is not None
    invitation = Invitation.objects.get()
    assert invitation.token_hash == hashlib.sha256(link.group(1).encode()).hexdigest()
    assert (invitation.email, invitation.role) == ("erin@example.com", "moderator")
    assert invitation.expires_at - timezone.now() > timedelta(days=2, hours=23)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["erin@example.com"]
    assert link.group(0) in mail.outbox[0].body


def test_it_defaults_to_an_artist_invitation(db: None) -> None:
    invite("erin@example.com")
    assert Invitation.objects.get().role == "artist"


def test_it_uses_site_url_or_the_given_base_url(db: None, settings: SettingsWrapper) -> None:
    settings.SITE_URL = "https://studio.example.org"
    assert "https://studio.example.org/invite/" in invite("a@example.com")
    assert "https://other.example.org/invite/" in invite(
        "b@example.com", "--base-url", "https://other.example.org/"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["not-an-email"], "not a valid email address"),
        (["alice@example.com"], "already exists"),
        (["erin@example.com", "--role", "admin"], "invalid choice"),
        (["erin@example.com", "--days", "0"], "at least 1 day"),
        (["erin@example.com", "--base-url", "studio.example.org"], "must start with http"),
    ],
)
def test_it_rejects_bad_input_and_creates_nothing(
    alice: User, args: list[str], message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        invite(*args)
    assert not Invitation.objects.exists()
    assert not mail.outbox
