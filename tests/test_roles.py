"""Roles are groups with fixed permissions, kept in sync after every migrate."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission, User

from access.roles import (
    Role,
    is_moderator,
    is_staff_member,
    role_assign,
    role_of,
    role_permissions,
    roles_sync,
)
from tests.people import person_create


def perms_of(group_name: str) -> set[str]:
    group = Group.objects.get(name=group_name)
    return {
        f"{app}.{codename}"
        for app, codename in group.permissions.values_list("content_type__app_label", "codename")
    }


def all_perms_of(app_label: str) -> set[str]:
    return {
        f"{app_label}.{codename}"
        for codename in Permission.objects.filter(content_type__app_label=app_label).values_list(
            "codename", flat=True
        )
    }


def test_role_groups_exist_after_migrate(db: None) -> None:
    assert set(Group.objects.values_list("name", flat=True)) >= {"Artist", "Moderator", "Staff"}


def test_artists_hold_no_permissions(db: None) -> None:
    assert perms_of("Artist") == set()


def test_moderators_hold_moderation_and_read_permissions_only(db: None) -> None:
    perms = perms_of("Moderator")
    assert "access.view_auditevent" in perms
    assert all_perms_of("moderation") <= perms
    assert "access.add_invitation" not in perms
    assert not {p for p in perms if p.startswith("auth.")}
    assert {p for p in perms if p.startswith("generation.")} <= {
        "generation.view_job",
        "generation.view_video",
    }


def test_staff_hold_app_permissions_but_cannot_delete_users(db: None) -> None:
    perms = perms_of("Staff")
    assert all_perms_of("access") | all_perms_of("generation") | all_perms_of("django_q") <= perms
    assert {"access.add_invitation", "auth.change_user", "auth.view_group"} <= perms
    assert "auth.delete_user" not in perms
    assert "auth.change_group" not in perms


def test_roles_sync_restores_tampered_groups(db: None) -> None:
    Group.objects.get(name="Artist").permissions.add(Permission.objects.get(codename="delete_user"))
    Group.objects.filter(name="Moderator").delete()
    roles_sync()
    assert perms_of("Artist") == set()
    assert perms_of("Moderator") == {
        f"{p.content_type.app_label}.{p.codename}" for p in role_permissions(Role.MODERATOR)
    }


@pytest.mark.parametrize(
    ("role", "group", "is_staff"),
    [
        (Role.ARTIST, "Artist", False),
        (Role.MODERATOR, "Moderator", True),
        (Role.STAFF, "Staff", True),
    ],
)
def test_role_assign_sets_group_and_admin_access(
    db: None, role: Role, group: str, is_staff: bool
) -> None:
    user = person_create("x@example.com", role=None)
    role_assign(user=user, role=role)
    user.refresh_from_db()
    assert list(user.groups.values_list("name", flat=True)) == [group]
    assert user.is_staff is is_staff
    assert user.is_superuser is False
    assert role_of(user) == role


def test_role_assign_replaces_the_previous_role(mod: User) -> None:
    role_assign(user=mod, role=Role.ARTIST)
    mod.refresh_from_db()
    assert list(mod.groups.values_list("name", flat=True)) == ["Artist"]
    assert not mod.is_staff
    assert not is_moderator(mod)


def test_role_checks(alice: User, mod: User, staff_user: User) -> None:
    assert (is_moderator(alice), is_staff_member(alice)) == (False, False)
    assert (is_moderator(mod), is_staff_member(mod)) == (True, False)
    assert (is_moderator(staff_user), is_staff_member(staff_user)) == (True, True)


def test_superuser_counts_as_staff(db: None) -> None:
    root = get_user_model().objects.create_superuser("root", "root@example.com", "x")
    assert role_of(root) == Role.STAFF
    assert is_staff_member(root)
