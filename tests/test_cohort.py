"""Containing a cohort: the invitation tree, and revoking a person with their invitees."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

from access.models import AuditEvent, Revocation
from access.roles import Role
from access.selectors import cohort_of, inviter_of
from access.services import cohort_revoke, invitation_consume, invitation_create
from tests.people import ClientFor, form_post, person_create

USERS = "/admin/auth/user/"


def invite_into(inviter: User, email: str) -> User:
    """`inviter` invites `email`, who signs up with that invitation."""
    invitation, _ = invitation_create(email=email, role=Role.ARTIST, invited_by=inviter)
    person = person_create(email)
    assert invitation_consume(invitation=invitation, user=person)
    return person


@pytest.fixture
def tree(staff_user: User) -> dict[str, User]:
    """staff -> ann -> (ben -> (cat), dan); staff -> eve (outside ann's cohort)."""
    ann = invite_into(staff_user, "ann@example.com")
    ben = invite_into(ann, "ben@example.com")
    cat = invite_into(ben, "cat@example.com")
    dan = invite_into(ann, "dan@example.com")
    eve = invite_into(staff_user, "eve@example.com")
    return {"ann": ann, "ben": ben, "cat": cat, "dan": dan, "eve": eve}


def emails(people: list[tuple[User, int]]) -> list[tuple[str, int]]:
    return [(person.email.split("@")[0], depth) for person, depth in people]


def test_the_tree_walks_down_transitively(tree, staff_user) -> None:
    assert emails(cohort_of(tree["ann"])) == [("ann", 0), ("ben", 1), ("cat", 2), ("dan", 1)]
    assert inviter_of(tree["cat"]) == tree["ben"] and inviter_of(staff_user) is None


def test_revoke_with_invitees_revokes_the_cohort_with_one_reason_and_one_event_each(
    tree, staff_user
) -> None:
    members = cohort_revoke(user=tree["ann"], by=staff_user, reason="Leaked clips")
    assert [m.outcome for m in members] == ["revoked"] * 4
    for name in ("ann", "ben", "cat", "dan"):
        tree[name].refresh_from_db()
        assert not tree[name].is_active
        assert Revocation.objects.get(user=tree[name]).reason == "Leaked clips"
    tree["eve"].refresh_from_db()
    assert tree["eve"].is_active  # invited by the same staff member, but not by ann
    events = AuditEvent.objects.filter(action="person.revoke")
    assert sorted(e.target for e in events) == [
        "ann@example.com",
        "ben@example.com",
        "cat@example.com",
        "dan@example.com",
    ]


def test_an_already_revoked_member_is_reported_and_the_rest_still_revoked(tree, staff_user) -> None:
    cohort_revoke(user=tree["ben"], by=staff_user, reason="First")
    members = cohort_revoke(user=tree["ann"], by=staff_user, reason="Second")
    outcomes = {m.user.email.split("@")[0]: m.outcome for m in members}
    assert outcomes == {
        "ann": "revoked",
        "ben": "already revoked",
        "cat": "already revoked",
        "dan": "revoked",
    }


def test_the_command_dry_run_lists_and_changes_nothing(tree, capsys) -> None:
    call_command("revoke", "ann@example.com", "--with-invitees", "--dry-run")
    out = capsys.readouterr().out
    for name in ("ann", "ben", "cat", "dan"):
        assert f"{name}@example.com: would be revoked" in out
    assert "eve@" not in out and "4 of 4 people would be revoked (dry run" in out
    assert all(User.objects.filter(is_active=True, email__startswith=n) for n in "abcd")
    assert not AuditEvent.objects.filter(action="person.revoke").exists()


def test_the_command_revokes_with_invitees(tree, capsys) -> None:
    call_command("revoke", "ann@example.com", "--with-invitees", "--reason", "Leak")
    assert "4 of 4 people revoked." in capsys.readouterr().out
    assert not User.objects.filter(
        email__in=[f"{n}@example.com" for n in ("ann", "cat")], is_active=True
    ).exists()


def test_the_command_needs_a_reason_unless_dry_run(tree) -> None:
    with pytest.raises(CommandError, match="reason"):
        call_command("revoke", "ann@example.com", "--with-invitees")
    assert User.objects.get(email="ann@example.com").is_active


def test_admin_shows_the_tree_and_revokes_with_invitees_after_a_dry_run(
    tree, staff_user, client_for: ClientFor
) -> None:
    client = client_for(staff_user)
    page = client.get(f"{USERS}{tree['ann'].pk}/change/")
    assert page.status_code == 200
    assert b"Invited by" in page.content and b"staff@example.com" in page.content
    assert b"ben@example.com" in page.content and b"cat@example.com" in page.content
    chosen = {"action": "revoke_with_invitees", "_selected_action": [str(tree["ann"].pk)]}
    confirm = form_post(client, USERS, chosen)
    assert confirm.status_code == 200 and b"Revoke with invitees" in confirm.content
    for name in ("ann", "ben", "cat", "dan"):
        assert f"{name}@example.com".encode() in confirm.content
    assert User.objects.get(email="cat@example.com").is_active  # nothing yet
    done = form_post(client, USERS, {**chosen, "confirm": "yes", "reason": "Leaked clips"})
    assert done.status_code == 302
    assert AuditEvent.objects.filter(action="person.revoke").count() == 4
    assert User.objects.get(email="eve@example.com").is_active
