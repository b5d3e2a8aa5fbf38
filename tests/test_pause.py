"""Pausing the site: new work refused for all but staff, a banner everywhere, /status
says why, and every process sees a change within one second."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from access import signals
from access.models import SITE_STATE_ID, AuditEvent, SiteState
from access.policy import PAUSE_RETRY_AFTER, Usage, generation_decision
from access.selectors import SITE_STATE_TTL, site_state, site_state_cache_clear
from access.services import site_pause, site_resume
from tests.people import PASSWORD, ClientFor, form_post

ADMIN_STATE = "/admin/access/sitestate/"
NO_USAGE = Usage(active_jobs=0, seconds_today=0)


@pytest.fixture(autouse=True)
def fresh_site_state() -> Iterator[None]:
    # The per-process copy would otherwise outlive each test's rolled-back row.
    site_state_cache_clear()
    yield
    site_state_cache_clear()


def signed_in_user_ids() -> set[int]:
    return {
        int(s.get_decoded()["_auth_user_id"])
        for s in Session.objects.all()
        if "_auth_user_id" in s.get_decoded()
    }


def test_pause_command_pauses_and_resume_command_resumes(db: None) -> None:
    call_command("pause", reason="Model upgrade")
    state = site_state()
    assert state.paused and state.reason == "Model upgrade" and state.since is not None
    with pytest.raises(CommandError, match="already paused"):
        call_command("pause", reason="Again")
    call_command("resume")
    assert site_state().paused is False
    with pytest.raises(CommandError, match="not paused"):
        call_command("resume")
    assert list(AuditEvent.objects.values_list("action", flat=True).order_by("id")) == [
        "site.pause",
        "site.resume",
    ]


def test_pause_needs_a_reason(db: None) -> None:
    with pytest.raises(CommandError, match="reason"):
        call_command("pause", reason=" ")
    assert site_state().paused is False


def test_artists_are_refused_with_paused_code_and_retry_after(
    alice: User, staff_user: User
) -> None:
    site_pause(by=staff_user, reason="Model upgrade")
    decision = generation_decision(alice, requested_seconds=1, usage=NO_USAGE)
    assert (decision.allowed, decision.code) == (False, "paused")
    assert decision.retry_after == PAUSE_RETRY_AFTER == 60
    assert "Model upgrade" in decision.reason
    assert generation_decision(alice).code == "paused"  # the worker's re-check too


def test_staff_keep_access_while_paused(staff_user: User, client_for: ClientFor) -> None:
    site_pause(by=staff_user, reason="Model upgrade")
    assert generation_decision(staff_user, usage=NO_USAGE, requested_seconds=1).allowed
    assert client_for(staff_user).get("/admin/").status_code == 200


def test_every_page_shows_the_banner_while_paused(
    alice: User, staff_user: User, client_for: ClientFor
) -> None:
    banner = b"The studio is paused: Model upgrade"
    artist = client_for(alice)
    assert banner not in artist.get("/account/tokens/").content
    site_pause(by=staff_user, reason="Model upgrade")
    assert banner in artist.get("/account/tokens/").content
    assert banner in Client().get("/accounts/login/").content
    assert banner in Client().get("/status").content
    site_resume(by=staff_user)
    assert banner not in artist.get("/account/tokens/").content


def test_status_page_says_running_or_paused_since_when_and_why(staff_user: User) -> None:
    page = Client().get("/status").content.decode()
    assert 'data-state="running"' in page and "The service is running." in page
    state = site_pause(by=staff_user, reason="GPU maintenance")
    page = Client().get("/status").content.decode()
    assert 'data-state="paused"' in page and "The service is paused." in page
    assert "GPU maintenance" in page
    assert f"{state.since:%Y-%m-%d %H:%M} UTC" in page
    site_resume(by=staff_user)
    page = Client().get("/status").content.decode()
    assert "The service is running." in page and "Running since" in page


def test_lockout_ends_non_staff_sessions_only(
    alice: User, mod: User, staff_user: User, client_for: ClientFor
) -> None:
    artist, staff = client_for(alice), client_for(staff_user)
    client_for(mod)
    assert signed_in_user_ids() == {alice.pk, mod.pk, staff_user.pk}
    call_command("pause", reason="Leak investigation", lockout=True)
    assert signed_in_user_ids() == {staff_user.pk}
    assert artist.get("/account/tokens/").status_code == 302
    assert staff.get("/admin/").status_code == 200
    assert AuditEvent.objects.get(action="site.pause").details["sessions_ended"] == 2


def test_lockout_keeps_non_staff_from_signing_back_in(alice: User, staff_user: User) -> None:
    site_pause(by=staff_user, reason="Leak investigation", lockout=True)
    client = Client(enforce_csrf_checks=True)
    page = form_post(client, "/accounts/login/", {"login": alice.email, "password": PASSWORD})
    assert page.status_code == 503
    assert b"Only staff can sign in" in page.content
    assert client.get("/account/tokens/").status_code == 302


def test_pause_without_lockout_keeps_sessions(
    alice: User, staff_user: User, client_for: ClientFor
) -> None:
    artist = client_for(alice)
    site_pause(by=staff_user, reason="Short break")
    assert artist.get("/account/tokens/").status_code == 200


def test_signals_are_sent_after_commit_with_the_state(
    staff_user: User, django_capture_on_commit_callbacks: Any
) -> None:
    heard: list[tuple[str, dict[str, Any]]] = []

    def on_pause(sender: Any, **kwargs: Any) -> None:
        heard.append(("paused", kwargs))

    def on_resume(sender: Any, **kwargs: Any) -> None:
        heard.append(("resumed", kwargs))

    signals.site_paused.connect(on_pause)
    signals.site_resumed.connect(on_resume)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            site_pause(by=staff_user, reason="Upgrade", lockout=True)
            assert heard == []
        with django_capture_on_commit_callbacks(execute=True):
            site_resume(by=staff_user)
    finally:
        signals.site_paused.disconnect(on_pause)
        signals.site_resumed.disconnect(on_resume)
    assert [name for name, _ in heard] == ["paused", "resumed"]
    paused = heard[0][1]
    assert paused["state"].paused and paused["lockout"] is True
    assert paused["state"].reason == "Upgrade"
    assert heard[1][1]["state"].paused is False


def test_admin_page_pauses_and_resumes(staff_user: User, client_for: ClientFor) -> None:
    client = client_for(staff_user)
    page = client.get(ADMIN_STATE)
    assert page.status_code == 200 and b"Running" in page.content
    form_post(client, ADMIN_STATE, {"pause": "Pause", "reason": "From the admin"})
    state = site_state()
    assert state.paused and state.reason == "From the admin" and state.changed_by == staff_user
    assert b"From the admin" in client.get(ADMIN_STATE).content
    form_post(client, ADMIN_STATE, {"resume": "Resume"})
    assert site_state().paused is False


def test_admin_pause_without_reason_shows_an_error_and_changes_nothing(
    staff_user: User, client_for: ClientFor
) -> None:
    page = form_post(client_for(staff_user), ADMIN_STATE, {"pause": "Pause", "reason": ""})
    assert page.status_code == 200 and b"This field is required" in page.content
    assert site_state().paused is False


def test_moderators_and_artists_cannot_pause_from_the_admin(
    alice: User, mod: User, client_for: ClientFor
) -> None:
    assert (
        form_post(
            client_for(mod), ADMIN_STATE, {"pause": "1", "reason": "x"}, page="/admin/"
        ).status_code
        == 403
    )
    assert client_for(alice).get(ADMIN_STATE).status_code == 302
    assert site_state().paused is False


def test_a_change_made_elsewhere_is_seen_within_one_second(db: None) -> None:
    assert site_state().paused is False  # now cached in this process
    # Another process (another web node, the shell) pauses: this process was not told.
    SiteState.objects.update_or_create(
        pk=SITE_STATE_ID,
        defaults={"paused": True, "reason": "Elsewhere", "since": timezone.now()},
    )
    assert SITE_STATE_TTL <= 1.0
    time.sleep(SITE_STATE_TTL + 0.05)
    state = site_state()
    assert state.paused and state.reason == "Elsewhere"


def test_a_change_in_this_process_is_seen_at_once(staff_user: User) -> None:
    assert site_state().paused is False
    site_pause(by=staff_user, reason="Now")
    assert site_state().paused is True


def test_pausing_twice_is_refused_with_the_current_reason(staff_user: User) -> None:
    site_pause(by=staff_user, reason="First")
    with pytest.raises(ValidationError, match="First"):
        site_pause(by=staff_user, reason="Second")
    assert site_state().reason == "First"
