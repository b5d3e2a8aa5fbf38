"""The fixed people of the test suite (see STYLE.md): built once, shared by all tests.

anonymous (no fixture), `invited` (dave, holds a link, not signed up), `alice` and
`bob` (artists), `carol` (revoked artist), `mod` (moderator) and `staff_user`
(staff), both with TOTP enrolled through allauth's own API. Everyone can also sign
in with PASSWORD; browser tests compute TOTP codes with `totp_code(secret)`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import pyotp
import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from allauth.mfa.utils import decrypt
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.test import Client

from access.models import Invitation
from access.roles import Role, role_assign
from access.services import invitation_create

PASSWORD = "violet-kestrel-harbour-41"
# Fixed base32 secrets, so a browser test can type a valid code for these people.
MOD_TOTP_SECRET = "JBSWY3DPEHPK3PXPMODERATOR2345672"
STAFF_TOTP_SECRET = "JBSWY3DPEHPK3PXPSTAFFMEMBER23456"


ClientFor = Callable[[User], Client]


class InvitedPerson(NamedTuple):
    invitation: Invitation
    token: str


def person_create(email: str, role: Role | None = Role.ARTIST, *, active: bool = True) -> User:
    """A signed-up person as the signup flow leaves them: verified primary email, role group."""
    user = get_user_model().objects.create_user(
        username=email.split("@")[0], email=email, password=PASSWORD, is_active=active
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    if role is not None:
        role_assign(user=user, role=role)
    return user


def totp_enrol(user: User, secret: str | None = None) -> str:
    """Enrol TOTP the way allauth's activation view does; returns the base32 secret."""
    secret = secret or pyotp.random_base32()
    TOTP.activate(user, secret)
    return secret


def totp_secret_of(user: User) -> str:
    """The TOTP secret allauth stored (encrypted) for `user`."""
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    return str(decrypt(authenticator.data["secret"]))


def totp_code(secret: str) -> str:
    return str(pyotp.TOTP(secret).now())


@pytest.fixture
def alice(db: None) -> User:
    return person_create("alice@example.com")


@pytest.fixture
def bob(db: None) -> User:
    return person_create("bob@example.com")


@pytest.fixture
def carol(db: None) -> User:
    # Revoked for now means deactivated; the revocation service will replace this.
    return person_create("carol@example.com", active=False)


@pytest.fixture
def mod(db: None) -> User:
    user = person_create("mod@example.com", Role.MODERATOR)
    totp_enrol(user, MOD_TOTP_SECRET)
    return user


@pytest.fixture
def staff_user(db: None) -> User:
    user = person_create("staff@example.com", Role.STAFF)
    totp_enrol(user, STAFF_TOTP_SECRET)
    return user


@pytest.fixture
def invited(staff_user: User) -> InvitedPerson:
    invitation, token = invitation_create(
        email="dave@example.com", role=Role.ARTIST, invited_by=staff_user
    )
    return InvitedPerson(invitation, token)


def signed_in_client(user: User | None) -> Client:
    """A CSRF-enforcing client signed in as `user`; anonymous for None."""
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def client_for(db: None) -> ClientFor:
    """A CSRF-enforcing client signed in as the given person."""
    return signed_in_client


def form_post(client: Client, url: str, data: dict[str, Any], *, page: str | None = None) -> Any:
    """POST a form the way a browser does: open the page first for its CSRF cookie."""
    if "csrftoken" not in client.cookies:
        client.get(page or url)
    if "csrftoken" not in client.cookies:
        client.get("/accounts/login/")  # pages without a form set no cookie; this one does
    token = client.cookies["csrftoken"].value
    return client.post(url, {**data, "csrfmiddlewaretoken": token})
