"""Reads that views, forms, middleware, services and other apps share."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.db.models import Exists, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from access.models import SITE_STATE_ID, Invitation, Revocation, SiteState
from access.roles import GROUP_NAMES, Role

# The invitation a visitor opened, remembered until they finish signing up.
SESSION_INVITATION_KEY = "access.invitation_id"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_lookup(token: str) -> Invitation | None:
    """The invitation for a raw token, whatever its status; None if unknown.

    Looking up by the hash is a unique-index equality match, so no constant-time
    comparison is needed: the raw token never meets a stored value.
    """
    if not token or len(token) > 128:
        return None
    return (
        Invitation.objects.select_related("created_by").filter(token_hash=token_hash(token)).first()
    )


def invitation_from_session(request: HttpRequest) -> Invitation | None:
    """The still-pending invitation this visitor opened, or None."""
    invitation_id = request.session.get(SESSION_INVITATION_KEY)
    if invitation_id is None:
        return None
    invitation = Invitation.objects.filter(pk=invitation_id).first()
    if invitation is None or not invitation.is_pending:
        return None
    return invitation


def email_has_account(email: str) -> bool:
    return (
        get_user_model().objects.filter(email__iexact=email).exists()
        or EmailAddress.objects.filter(email__iexact=email).exists()
    )


def has_totp(user: User) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()


def active_staff() -> QuerySet[User]:
    """Active people with the staff role (superusers count as staff)."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__name=GROUP_NAMES[Role.STAFF]))
        .distinct()
    )


def revocation_notice(user: User) -> dict[str, str] | None:
    """Why a revoked person has no access and whom to ask, for the page allauth shows
    when they sign in with their right password; None if no revocation is open
    (deactivated some other way)."""
    revocation = (
        Revocation.objects.filter(user=user, restored_at__isnull=True)
        .select_related("revoked_by")
        .order_by("-created_at")
        .first()
    )
    if revocation is None:
        return None
    return {"reason": revocation.reason, "ask": _whom_to_ask(revocation)}


def _whom_to_ask(revocation: Revocation) -> str:
    by = revocation.revoked_by
    if by is not None and by.is_active:
        return by.email
    emails = list(active_staff().order_by("pk").values_list("email", flat=True)[:3])
    return " or ".join(emails) if emails else "the person who invited you"


# --- site state ------------------------------------------------------------------

# Every request asks whether the site is paused, so each process keeps the answer
# for at most SITE_STATE_TTL seconds: a pause made anywhere (another web node, the
# shell) is seen everywhere within that time, without a restart or a shared cache.
SITE_STATE_TTL = 1.0
_site_state_lock = threading.Lock()
_site_state_cache: tuple[float, SiteState] | None = None


def site_state() -> SiteState:
    """The current SiteState, at most SITE_STATE_TTL seconds old. Treat it as read-only."""
    global _site_state_cache
    cached = _site_state_cache
    now = time.monotonic()
    if cached is not None and now - cached[0] < SITE_STATE_TTL:
        return cached[1]
    state = SiteState.objects.select_related("changed_by").filter(pk=SITE_STATE_ID).first()
    if state is None:
        state = SiteState(pk=SITE_STATE_ID)  # never paused yet
    with _site_state_lock:
        _site_state_cache = (now, state)
    return state


def site_state_cache_clear() -> None:
    """Forget this process's copy, so the next site_state() reads the database."""
    global _site_state_cache
    with _site_state_lock:
        _site_state_cache = None


# --- sessions --------------------------------------------------------------------


def session_keys_for(
    *, user_ids: set[int] | None = None, keep_user_ids: frozenset[int] = frozenset()
) -> set[str]:
    """Keys of live sessions signed in as one of `user_ids` (None: anyone signed in),
    except those of `keep_user_ids`.

    allauth's UserSession rows know most sessions, but not one created without
    passing its middleware, so the session table itself is read too.
    """
    keys: set[str] = set()
    tracked = UserSession.objects.exclude(user_id__in=keep_user_ids)
    if user_ids is not None:
        tracked = tracked.filter(user_id__in=user_ids)
    keys.update(tracked.values_list("session_key", flat=True))
    for key, owner in _db_session_owners():
        if owner is None or owner in keep_user_ids:
            continue
        if user_ids is None or owner in user_ids:
            keys.add(key)
    return keys


def _db_session_owners() -> Iterator[tuple[str, int | None]]:
    """(session key, signed-in user id) for every unexpired database-backed session."""
    if settings.SESSION_ENGINE not in DB_SESSION_ENGINES:
        return
    live = Session.objects.filter(expire_date__gt=timezone.now())
    for session in live.iterator(chunk_size=500):
        try:
            user_id = session.get_decoded().get("_auth_user_id")
        except Exception:  # a corrupt session belongs to nobody  # noqa: S112
            continue
        yield session.session_key, int(user_id) if user_id is not None else None


DB_SESSION_ENGINES = {
    "django.contrib.sessions.backends.db",
    "django.contrib.sessions.backends.cached_db",
}


def site_paused_condition() -> Exists:
    """True while the studio is paused, as a query condition.

    Other apps put it inside their own conditional UPDATE (the worker's claim), so
    the database decides at that instant and no cached copy can let work start
    during a pause.
    """
    return Exists(SiteState.objects.filter(paused=True))


# --- the invitation tree -----------------------------------------------------------


def inviter_of(user: User) -> User | None:
    """Who invited `user` (None for the first staff account and people made by hand)."""
    invitation = Invitation.objects.select_related("created_by").filter(used_by=user).first()
    return invitation.created_by if invitation is not None else None


def invitees_of(user: User) -> list[User]:
    """The people `user` invited directly, by accepted invitation, oldest first."""
    accepted = Invitation.objects.filter(created_by=user, used_by__isnull=False)
    ids = accepted.order_by("used_at", "pk").values_list("used_by_id", flat=True)
    found = {u.pk: u for u in get_user_model().objects.filter(pk__in=list(ids))}
    return [found[pk] for pk in ids if pk in found]


def cohort_of(user: User) -> list[tuple[User, int]]:
    """`user` and everyone they invited, transitively, as (person, depth), in the
    order of a walk down the tree. Each person appears once, even if the records
    somehow form a cycle."""
    seen: set[int] = set()
    order: list[tuple[User, int]] = []
    stack: list[tuple[User, int]] = [(user, 0)]
    while stack:
        person, depth = stack.pop()
        if person.pk in seen:
            continue
        seen.add(person.pk)
        order.append((person, depth))
        stack.extend((child, depth + 1) for child in reversed(invitees_of(person)))
    return order
