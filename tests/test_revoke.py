"""Revoking one person cuts them off everywhere at once; restoring gives back the account only."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from access import signals
from access.models import ApiToken, AuditEvent, Invitation, Revocation
from access.roles import Role
from access.services import invitation_create, person_restore, person_revoke, token_create
from tests.people import ClientFor, InvitedPerson, form_post, person_create

USERS = "/admin/auth/user/"


@pytest.fixture
def revoked_signals() -> Iterator[list[dict[str, Any]]]:
    heard: list[dict[str, Any]] = []

    def listen(sender: Any, **kwargs: Any) -> None:
        heard.append({"sender": sender, **kwargs})

    signals.person_revoked.connect(listen)
    yield heard
    signals.person_revoked.disconnect(listen)


def test_revoked_persons_old_session_cookie_is_sent_to_sign_in(
    alice: User, staff_user: User, client_for: ClientFor
) -> None:
    client = client_for(alice)
    assert client.get("/account/tokens/").status_code == 200
    person_revoke(user=alice, by=staff_user, reason="Shared credentials publicly")
    page = client.get("/account/tokens/")
    assert page.status_code == 302
    assert page["Location"].startswith("/accounts/login/")
    assert not [
        s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(alice.pk)
    ]


def test_revoking_disables_the_account_and_records_who_when_why(
    alice: User, staff_user: User
) -> None:
    person_revoke(user=alice, by=staff_user, reason="Shared credentials publicly")
    alice.refresh_from_db()
    assert alice.is_active is False
    revocation = Revocation.objects.get(user=alice)
    assert revocation.revoked_by == staff_user
    assert revocation.reason == "Shared credentials publicly"
    assert revocation.restored_at is None


def test_revoking_revokes_tokens_and_pending_invitations_they_sent(
    staff_user: User, invited: InvitedPerson
) -> None:
    second_staff = person_create("staff2@example.com", Role.STAFF)
    token, _ = token_create(user=staff_user, name="laptop", scopes=["read"])
    used, _ = invitation_create(email="used@example.com", role=Role.ARTIST, invited_by=staff_user)
    Invitation.objects.filter(pk=used.pk).update(used_at=used.created_at)

    result = person_revoke(user=staff_user, by=second_staff, reason="Left the team")

    token.refresh_from_db()
    assert token.revoked_at is not None
    invitation = Invitation.objects.get(pk=invited.invitation.pk)
    assert invitation.revoked_at is not None and invitation.revoked_by == second_staff
    assert Invitation.objects.get(pk=used.pk).revoked_at is None  # used ones are history
    assert (result.tokens_revoked, result.invitations_revoked) == (1, 1)


def test_revoked_signal_fires_once_after_commit_with_kwargs(
    alice: User,
    staff_user: User,
    revoked_signals: list[dict[str, Any]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        person_revoke(user=alice, by=staff_user, reason="Leak")
        assert revoked_signals == []  # nothing announced before the commit
    assert len(revoked_signals) == 1
    heard = revoked_signals[0]
    assert heard["sender"] is None
    assert heard["user"] == alice and heard["by"] == staff_user and heard["reason"] == "Leak"


def test_revoking_writes_an_audit_event(alice: User, staff_user: User) -> None:
    person_revoke(user=alice, by=staff_user, reason="Leak")
    event = AuditEvent.objects.get(action="person.revoke")
    assert event.actor == staff_user and event.target == "alice@example.com"
    assert event.details["reason"] == "Leak"


def test_restore_gives_the_account_back_without_resurrecting_anything(
    alice: User, staff_user: User, client_for: ClientFor
) -> None:
    token, _ = token_create(user=alice, name="cli", scopes=["submit"])
    client = client_for(alice)
    person_revoke(user=alice, by=staff_user, reason="Leak")
    person_restore(user=alice, by=staff_user)

    alice.refresh_from_db()
    assert alice.is_active is True
    assert Revocation.objects.get(user=alice).restored_by == staff_user
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert client.get("/account/tokens/").status_code == 302  # old session stays ended
    assert AuditEvent.objects.filter(action="person.restore", target=alice.email).exists()


def test_bad_or_missing_reason_changes_nothing(alice: User, staff_user: User) -> None:
    with pytest.raises(ValidationError, match="reason"):
        person_revoke(user=alice, by=staff_user, reason="   ")
    alice.refresh_from_db()
    assert alice.is_active and not Revocation.objects.exists()


def test_staff_cannot_revoke_themselves(staff_user: User) -> None:
    person_create("staff2@example.com", Role.STAFF)
    with pytest.raises(ValidationError, match="your own access"):
        person_revoke(user=staff_user, by=staff_user, reason="Oops")


def test_the_last_staff_account_cannot_be_revoked(staff_user: User) -> None:
    with pytest.raises(ValidationError, match="last active staff"):
        person_revoke(user=staff_user, by=None, reason="Oops")
    staff_user.refresh_from_db()
    assert staff_user.is_active


def test_revoke_and_restore_commands(alice: User) -> None:
    call_command("revoke", "ALICE@example.com", reason="Leak")
    alice.refresh_from_db()
    assert not alice.is_active
    with pytest.raises(CommandError, match="no access to revoke"):
        call_command("revoke", "alice@example.com", reason="Again")
    call_command("restore", "alice@example.com")
    alice.refresh_from_db()
    assert alice.is_active
    with pytest.raises(CommandError, match="No account"):
        call_command("restore", "nobody@example.com")


def test_admin_revoke_asks_for_a_reason_then_revokes(
    alice: User, staff_user: User, client_for: ClientFor
) -> None:
    client = client_for(staff_user)
    chosen = {"action": "revoke_access", "_selected_action": [str(alice.pk)]}
    page = form_post(client, USERS, chosen)
    assert page.status_code == 200
    assert b"Revoke access" in page.content and b"alice@example.com" in page.content
    alice.refresh_from_db()
    assert alice.is_active  # nothing happens before a reason is given

    done = form_post(client, USERS, {**chosen, "confirm": "yes", "reason": "Posted a token"})
    assert done.status_code == 302
    alice.refresh_from_db()
    assert not alice.is_active
    assert Revocation.objects.get(user=alice).reason == "Posted a token"


def test_admin_restore_action(alice: User, staff_user: User, client_for: ClientFor) -> None:
    person_revoke(user=alice, by=staff_user, reason="Leak")
    client = client_for(staff_user)
    form_post(client, USERS, {"action": "restore_access", "_selected_action": [str(alice.pk)]})
    alice.refresh_from_db()
    assert alice.is_active


def test_moderators_cannot_revoke_people(alice: User, mod: User, client_for: ClientFor) -> None:
    client = client_for(mod)
    form_post(
        client,
        USERS,
        {
            "action": "revoke_access",
            "_selected_action": [str(alice.pk)],
            "confirm": "yes",
            "reason": "x",
        },
        page="/admin/",
    )
    alice.refresh_from_db()
    assert alice.is_active


def test_revoked_person_cannot_sign_in_again(alice: User, staff_user: User) -> None:
    person_revoke(user=alice, by=staff_user, reason="Leak")
    client = Client(enforce_csrf_checks=True)
    from tests.people import PASSWORD

    form_post(client, "/accounts/login/", {"login": "alice@example.com", "password": PASSWORD})
    assert client.get("/account/tokens/").status_code == 302


def test_staff_see_revocations_and_people_in_the_admin(
    alice: User, staff_user: User, client_for: ClientFor
) -> None:
    person_revoke(user=alice, by=staff_user, reason="Posted a token")
    client = client_for(staff_user)
    assert b"Posted a token" in client.get("/admin/access/revocation/").content
    people = client.get(USERS).content
    assert b"alice@example.com" in people and b"Revoke access" in people
