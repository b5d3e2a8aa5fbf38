"""Moderators and staff reach the admin and moderation pages only with TOTP enrolled."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import User
from django.urls import reverse

from access.middleware import MFA_REQUIRED_MESSAGE
from access.roles import Role
from tests.people import ClientFor, person_create, totp_code, totp_enrol, totp_secret_of


@pytest.fixture
def mod_without_totp(db: None) -> User:
    return person_create("newmod@example.com", Role.MODERATOR)


@pytest.fixture
def staff_without_totp(db: None) -> User:
    return person_create("newstaff@example.com", Role.STAFF)


@pytest.mark.parametrize("person", ["mod_without_totp", "staff_without_totp"])
@pytest.mark.parametrize("path", ["/admin/", "/admin/access/auditevent/", "/moderation/anything"])
def test_privileged_people_without_totp_are_sent_to_enrol(
    request: pytest.FixtureRequest, client_for: ClientFor, person: str, path: str
) -> None:
    client = client_for(request.getfixturevalue(person))
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_the_redirect_explains_why(mod_without_totp: User, client_for: ClientFor) -> None:
    client = client_for(mod_without_totp)
    response = client.get("/admin/", follow=True)
    assert MFA_REQUIRED_MESSAGE in response.content.decode()


def test_other_pages_are_not_gated(mod_without_totp: User, client_for: ClientFor) -> None:
    client = client_for(mod_without_totp)
    assert client.get("/status").status_code == 200
    assert client.get("/accounts/email/").status_code == 200


def test_admin_flag_alone_is_gated_too(client_for: ClientFor, db: None) -> None:
    helper = person_create("helper@example.com", role=None)
    helper.is_staff = True
    helper.save()
    response = client_for(helper).get("/admin/")
    assert response["Location"] == reverse("mfa_activate_totp")


@pytest.mark.parametrize("person", ["mod", "staff_user"])
def test_privileged_people_with_totp_reach_the_admin(
    request: pytest.FixtureRequest, client_for: ClientFor, person: str
) -> None:
    response = client_for(request.getfixturevalue(person)).get("/admin/")
    assert response.status_code == 200
    assert b"Moderation, access and jobs" in response.content  # the admin index title


def test_enrolling_totp_opens_the_admin(mod_without_totp: User, client_for: ClientFor) -> None:
    client = client_for(mod_without_totp)
    assert client.get("/admin/").status_code == 302
    totp_enrol(mod_without_totp)
    assert client.get("/admin/").status_code == 200


def test_artists_get_no_admin(alice: User, client_for: ClientFor) -> None:
    response = client_for(alice).get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_fixture_secrets_produce_codes_allauth_accepts(mod: User) -> None:
    from allauth.mfa.totp.internal.auth import TOTP

    authenticator = Authenticator.objects.get(user=mod, type=Authenticator.Type.TOTP)
    assert TOTP(authenticator).validate_code(totp_code(totp_secret_of(mod)))
