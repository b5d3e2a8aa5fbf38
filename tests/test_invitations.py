"""Invitation lifecycle: link, signup, the pages for bad links, admin, bootstrap."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper

from access.models import AuditEvent, Invitation, InvitationStatus
from access.roles import Role
from access.services import (
    bootstrap_staff_invitation,
    invitation_consume,
    invitation_create,
    invitation_path,
    invitation_revoke,
)
from access.services import invitations as services
from tests.people import PASSWORD, ClientFor, InvitedPerson, form_post

SIGNUP = "/accounts/signup/"


def signup(client: Client, email: str, password: str = PASSWORD) -> Any:
    data = {"email": email, "password1": password, "password2": password}
    return form_post(client, SIGNUP, data)


def open_link(token: str) -> tuple[Client, Any]:
    client = Client(enforce_csrf_checks=True)
    return client, client.get(invitation_path(token))


def test_valid_link_shows_the_role_and_the_way_to_signup(invited: InvitedPerson) -> None:
    _, response = open_link(invited.token)
    assert response.status_code == 200
    assert b"You're invited as Artist" in response.content
    assert SIGNUP.encode() in response.content


def test_signup_form_is_fixed_to_the_invited_address(invited: InvitedPerson) -> None:
    client, _ = open_link(invited.token)
    response = client.get(SIGNUP)
    assert response.status_code == 200
    field = re.search(rb"<input[^>]*name=\"email\"[^>]*>", response.content)
    assert field is not None
    assert b'value="dave@example.com"' in field.group(0)
    assert b"readonly" in field.group(0)


def test_valid_link_creates_an_account_with_the_invited_role(invited: InvitedPerson) -> None:
    client, _ = open_link(invited.token)
    response = signup(client, "dave@example.com")
    assert response.status_code == 302
    dave = User.objects.get(email="dave@example.com")
    assert list(dave.groups.values_list("name", flat=True)) == ["Artist"]
    assert not dave.is_staff and not dave.is_superuser
    # The link proved the address: no verification email, and dave is signed in.
    assert EmailAddress.objects.get(user=dave).verified
    assert not mail.outbox
    assert client.get("/accounts/email/").status_code == 200
    invited.invitation.refresh_from_db()
    assert invited.invitation.status == InvitationStatus.USED
    assert invited.invitation.used_by == dave
    assert AuditEvent.objects.filter(action="invitation.accept", actor=dave).exists()


def test_moderator_invitation_gives_moderator_role_and_admin_flag(staff_user: User) -> None:
    _, token = invitation_create(
        email="erin@example.com", role=Role.MODERATOR, invited_by=staff_user
    )
    client, _ = open_link(token)
    signup(client, "erin@example.com")
    erin = User.objects.get(email="erin@example.com")
    assert list(erin.groups.values_list("name", flat=True)) == ["Moderator"]
    assert erin.is_staff and not erin.is_superuser


def test_invitation_records_who_invited_whom(invited: InvitedPerson, staff_user: User) -> None:
    client, _ = open_link(invited.token)
    signup(client, "dave@example.com")
    dave = User.objects.get(email="dave@example.com")
    assert Invitation.objects.get(used_by=dave).created_by == staff_user
    created = AuditEvent.objects.get(action="invitation.create", target="dave@example.com")
    assert created.actor == staff_user


def test_token_is_stored_only_as_its_hash(invited: InvitedPerson) -> None:
    row = Invitation.objects.filter(pk=invited.invitation.pk).values().get()
    assert invited.token not in {str(value) for value in row.values()}
    assert row["token_hash"] == hashlib.sha256(invited.token.encode()).hexdigest()
    assert len(invited.token) >= 40


def test_used_link_gets_the_already_used_page(invited: InvitedPerson) -> None:
    client, _ = open_link(invited.token)
    signup(client, "dave@example.com")
    _, response = open_link(invited.token)
    assert response.status_code == 410
    assert b"already been used" in response.content


def test_expired_link_gets_the_expired_page_and_no_signup(invited: InvitedPerson) -> None:
    Invitation.objects.filter(pk=invited.invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    client, response = open_link(invited.token)
    assert response.status_code == 410
    assert b"This invitation has expired" in response.content
    assert b"new invitation" in response.content
    assert b"Signup is by invitation only" in client.get(SIGNUP).content


def test_revoked_link_gets_the_withdrawn_page(invited: InvitedPerson, staff_user: User) -> None:
    invitation_revoke(invitation=invited.invitation, by=staff_user)
    _, response = open_link(invited.token)
    assert response.status_code == 410
    assert b"This invitation was withdrawn" in response.content
    assert AuditEvent.objects.filter(action="invitation.revoke", actor=staff_user).exists()


def test_unknown_link_gets_a_not_found_page(db: None) -> None:
    _, response = open_link("not-a-real-token")
    assert response.status_code == 404
    assert b"recognise this invitation link" in response.content


def test_invitation_revoked_after_opening_closes_signup(
    invited: InvitedPerson, staff_user: User
) -> None:
    client, _ = open_link(invited.token)
    invitation_revoke(invitation=invited.invitation, by=staff_user)
    response = signup(client, "dave@example.com")
    assert b"Signup is by invitation only" in response.content
    assert not User.objects.filter(email="dave@example.com").exists()


def test_signup_with_another_email_is_refused_and_creates_nothing(
    invited: InvitedPerson,
) -> None:
    client, _ = open_link(invited.token)
    response = signup(client, "eve@example.com")
    assert response.status_code == 200
    assert b"This invitation is for dave@example.com." in response.content
    assert not User.objects.filter(email__in=["eve@example.com", "dave@example.com"]).exists()
    invited.invitation.refresh_from_db()
    assert invited.invitation.status == InvitationStatus.PENDING


def test_signup_without_invitation_is_closed(db: None) -> None:
    client = Client(enforce_csrf_checks=True)
    page = client.get(SIGNUP)
    assert b"Signup is by invitation only" in page.content
    response = signup(client, "mallory@example.com")
    assert b"Signup is by invitation only" in response.content
    assert not User.objects.exists()


def test_signup_that_loses_the_race_creates_nothing(
    invited: InvitedPerson, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, _ = open_link(invited.token)
    client.get(SIGNUP)
    # Another signup consumes the invitation between form validation and save.
    monkeypatch.setattr(services, "invitation_consume", lambda **kwargs: False)
    response = signup(client, "dave@example.com")
    assert response.status_code == 410
    assert b"no account was created" in response.content
    assert not User.objects.filter(email="dave@example.com").exists()
    assert not EmailAddress.objects.filter(email="dave@example.com").exists()


def test_invitation_is_consumed_once(invited: InvitedPerson, alice: User, bob: User) -> None:
    assert invitation_consume(invitation=invited.invitation, user=alice)
    assert not invitation_consume(invitation=invited.invitation, user=bob)
    assert Invitation.objects.get(pk=invited.invitation.pk).used_by == alice


def test_used_invitation_cannot_be_revoked(
    invited: InvitedPerson, alice: User, staff_user: User
) -> None:
    invitation_consume(invitation=invited.invitation, user=alice)
    with pytest.raises(services.ValidationError, match="already been used"):
        invitation_revoke(invitation=invited.invitation, by=staff_user)


@pytest.mark.parametrize(
    ("email", "message"),
    [("not-an-email", "not a valid email address"), ("alice@example.com", "already exists")],
)
def test_invitation_create_refuses_bad_or_taken_email(
    alice: User, staff_user: User, email: str, message: str
) -> None:
    with pytest.raises(services.ValidationError, match=message):
        invitation_create(email=email, role=Role.ARTIST, invited_by=staff_user)
    assert not Invitation.objects.exists()


def test_invitation_expires_after_the_configured_days(
    staff_user: User, settings: SettingsWrapper
) -> None:
    settings.INVITATION_DAYS = 3
    invitation, _ = invitation_create(
        email="x@example.com", role=Role.ARTIST, invited_by=staff_user
    )
    remaining = invitation.expires_at - timezone.now()
    assert timedelta(days=3) - timedelta(minutes=1) < remaining <= timedelta(days=3)


# --- admin -----------------------------------------------------------------

ADMIN_ADD = "/admin/access/invitation/add/"
ADMIN_LIST = "/admin/access/invitation/"


def test_staff_invite_in_admin_sends_email_and_shows_link_once(
    staff_user: User, client_for: ClientFor
) -> None:
    client = client_for(staff_user)
    response = form_post(
        client, ADMIN_ADD, {"email": "Frank@Example.com", "role": "moderator", "days": "2"}
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role) == ("frank@example.com", "moderator")
    assert invitation.created_by == staff_user
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["frank@example.com"]
    link = re.search(r"http://testserver/invite/[\w-]+/", str(mail.outbox[0].body))
    assert link is not None
    page = client.get(response["Location"]).content.decode()
    assert link.group(0) in page
    assert invitation.token_hash not in page
    assert link.group(0) not in client.get(ADMIN_LIST).content.decode()  # only once


def test_admin_refuses_invitation_for_existing_account(
    staff_user: User, alice: User, client_for: ClientFor
) -> None:
    client = client_for(staff_user)
    response = form_post(
        client, ADMIN_ADD, {"email": "alice@example.com", "role": "artist", "days": "7"}
    )
    assert response.status_code == 200
    assert b"already exists" in response.content
    assert not Invitation.objects.exists() and not mail.outbox


def test_admin_shows_invitation_without_its_hash_and_allows_no_edit(
    invited: InvitedPerson, staff_user: User, client_for: ClientFor
) -> None:
    client = client_for(staff_user)
    url = f"{ADMIN_LIST}{invited.invitation.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert b"dave@example.com" in page.content
    assert invited.invitation.token_hash.encode() not in page.content
    response = form_post(client, url, {"email": "evil@example.com", "role": "staff"})
    assert response.status_code == 403
    assert Invitation.objects.get().email == "dave@example.com"


def test_admin_action_revokes_selected_invitations(
    invited: InvitedPerson, staff_user: User, client_for: ClientFor
) -> None:
    client = client_for(staff_user)
    data = {"action": "revoke_selected", "_selected_action": [str(invited.invitation.pk)]}
    response = form_post(client, ADMIN_LIST, data)
    assert response.status_code == 302
    invited.invitation.refresh_from_db()
    assert invited.invitation.status == InvitationStatus.REVOKED
    assert invited.invitation.revoked_by == staff_user


# --- bootstrap (printed by `manage.py serve`) ----------------------------------


def test_bootstrap_returns_a_staff_invitation_path_when_no_staff(db: None) -> None:
    path = bootstrap_staff_invitation(email="root@example.com")
    assert path is not None and path.startswith("/invite/")
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role) == ("root@example.com", Role.STAFF)
    assert invitation.is_bootstrap and invitation.created_by is None
    assert AuditEvent.objects.filter(action="invitation.create", target="root@example.com").exists()


def test_bootstrap_revokes_the_earlier_unused_bootstrap_link(db: None) -> None:
    first = bootstrap_staff_invitation(email="root@example.com")
    second = bootstrap_staff_invitation(email="root@example.com")
    assert first and second and first != second
    old, new = Invitation.objects.order_by("id")
    assert old.status == InvitationStatus.REVOKED
    assert new.status == InvitationStatus.PENDING
    assert Client().get(first).status_code == 410


def test_bootstrap_link_makes_the_first_staff_then_stops(db: None) -> None:
    path = bootstrap_staff_invitation(email="root@example.com")
    assert path is not None
    client, _ = open_link(path.split("/")[2])
    signup(client, "root@example.com")
    root = User.objects.get(email="root@example.com")
    assert list(root.groups.values_list("name", flat=True)) == ["Staff"]
    assert root.is_staff and not root.is_superuser
    assert bootstrap_staff_invitation(email="root@example.com") is None


def test_bootstrap_returns_none_once_staff_exists(staff_user: User) -> None:
    assert bootstrap_staff_invitation(email="root@example.com") is None
    assert not Invitation.objects.exists()


def test_bootstrap_skips_an_address_that_already_has_an_account(alice: User) -> None:
    assert bootstrap_staff_invitation(email="alice@example.com") is None
    assert not Invitation.objects.exists()
