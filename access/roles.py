"""Roles are Django groups with a fixed set of permissions, kept in code.

`roles_sync()` runs after every migrate, so the groups always match this file:
a permission added here (or a model added to an app listed with ".*") reaches
every member of the group at the next migrate.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.contrib.auth.models import AnonymousUser, Group, Permission, User
from django.db import models, transaction
from django.db.models import Q


class Role(models.TextChoices):
    ARTIST = "artist", "Artist"
    MODERATOR = "moderator", "Moderator"
    STAFF = "staff", "Staff"


GROUP_NAMES: dict[Role, str] = {
    Role.ARTIST: "Artist",
    Role.MODERATOR: "Moderator",
    Role.STAFF: "Staff",
}

# "app_label.codename" or "app_label.*" (every permission of that app).
ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.ARTIST: [],
    Role.MODERATOR: [
        "moderation.*",
        "generation.view_job",
        "generation.view_video",
        "access.view_auditevent",
    ],
    Role.STAFF: [
        "access.*",
        "moderation.*",
        "generation.*",
        "auth.view_user",
        "auth.change_user",
        "auth.view_group",
        "django_q.*",
    ],
}

# Roles whose members work in the Django admin (and so must enrol TOTP).
ADMIN_ROLES = frozenset({Role.MODERATOR, Role.STAFF})
# Highest first: a person in several role groups counts as the highest one.
_RANK = [Role.STAFF, Role.MODERATOR, Role.ARTIST]


def _permission_filter(spec: str) -> Q:
    app_label, _, codename = spec.partition(".")
    if codename == "*":
        return Q(content_type__app_label=app_label)
    return Q(content_type__app_label=app_label, codename=codename)


def role_permissions(role: Role, *, using: str = "default") -> list[Permission]:
    """The permissions a role's specs match today; specs naming models not yet built match none."""
    specs = ROLE_PERMISSIONS[role]
    if not specs:
        return []
    query = Q()
    for spec in specs:
        query |= _permission_filter(spec)
    return list(Permission.objects.using(using).filter(query))


def roles_sync(*, using: str = "default") -> None:
    """Create the role groups and set their permissions exactly as ROLE_PERMISSIONS says."""
    with transaction.atomic(using=using):
        for role, name in GROUP_NAMES.items():
            group, _ = Group.objects.using(using).get_or_create(name=name)
            group.permissions.set(role_permissions(role, using=using))


def roles_sync_after_migrate(
    *, apps: Apps = global_apps, using: str = "default", **kwargs: Any
) -> None:
    """post_migrate receiver: runs once per migrated app; cheap and idempotent, so the
    last run (after every app has created its permissions) leaves the groups complete."""
    try:
        apps.get_model("auth", "Group")
        apps.get_model("auth", "Permission")
    except LookupError:
        return  # a partial migrate that has not reached auth yet
    roles_sync(using=using)


def role_assign(*, user: User, role: Role) -> None:
    """Make `user` a member of exactly one role group.

    Moderators and staff get is_staff so they can open the Django admin, where
    moderation happens. is_superuser is never granted here.
    """
    role = Role(role)
    with transaction.atomic():
        groups = Group.objects.filter(name__in=GROUP_NAMES.values())
        user.groups.remove(*groups.exclude(name=GROUP_NAMES[role]))
        group, _ = Group.objects.get_or_create(name=GROUP_NAMES[role])
        user.groups.add(group)
        user.is_staff = role in ADMIN_ROLES
        user.save(update_fields=["is_staff"])


def role_of(user: User | AnonymousUser) -> Role | None:
    """The person's highest role; superusers count as staff; None for anyone else."""
    if not user.is_authenticated:
        return None
    if getattr(user, "is_superuser", False):
        return Role.STAFF
    names = set(user.groups.values_list("name", flat=True))
    for role in _RANK:
        if GROUP_NAMES[role] in names:
            return role
    return None


def is_staff_member(user: User | AnonymousUser) -> bool:
    return role_of(user) == Role.STAFF


def is_moderator(user: User | AnonymousUser) -> bool:
    """Whoever may moderate: moderators, and staff (who hold every moderation permission)."""
    return role_of(user) in ADMIN_ROLES
