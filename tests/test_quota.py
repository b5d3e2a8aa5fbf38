"""Per-person limits: a daily budget of video seconds, concurrent jobs, submission rate;
and allauth's throttle on failed sign-ins."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.cache import cache
from django.test import Client, override_settings

from access.models import AuditEvent, Quota
from access.policy import Usage, generation_decision, quota_remaining, quota_resets_at
from access.selectors import site_state_cache_clear
from access.services import person_revoke, quota_clear, quota_set
from tests.people import PASSWORD, ClientFor, form_post

IDLE = Usage(active_jobs=0, seconds_today=0.0)


@pytest.fixture(autouse=True)
def fresh_counters() -> Iterator[None]:
    # Rate counters live in the (process-wide) cache; start every test from zero.
    cache.clear()
    site_state_cache_clear()
    yield
    cache.clear()


@override_settings(QUOTA_DAILY_SECONDS=120)
def test_within_budget_is_allowed(alice: User) -> None:
    usage = Usage(active_jobs=0, seconds_today=100)
    assert generation_decision(alice, requested_seconds=20, usage=usage).allowed


@override_settings(QUOTA_DAILY_SECONDS=120)
def test_over_budget_is_refused_saying_what_is_left_and_when_it_resets(alice: User) -> None:
    decision = generation_decision(
        alice, requested_seconds=30, usage=Usage(active_jobs=0, seconds_today=100)
    )
    assert (decision.allowed, decision.code) == (False, "quota")
    assert "20 s left" in decision.reason and "120 s daily budget" in decision.reason
    assert "midnight UTC" in decision.reason
    assert decision.retry_after is not None and 0 < decision.retry_after <= 86400


@override_settings(QUOTA_DAILY_SECONDS=120)
def test_an_exhausted_budget_refuses_even_a_zero_length_request(alice: User) -> None:
    decision = generation_decision(alice, usage=Usage(active_jobs=0, seconds_today=120))
    assert decision.code == "quota" and "0 s left" in decision.reason


def test_budget_resets_at_midnight_utc() -> None:
    from datetime import datetime

    now = datetime(2026, 3, 1, 17, 30, tzinfo=UTC)
    assert quota_resets_at(now) == datetime(2026, 3, 2, tzinfo=UTC)


@override_settings(QUOTA_DAILY_SECONDS=120)
def test_per_person_override_replaces_the_default(alice: User, bob: User, staff_user: User) -> None:
    quota_set(user=alice, daily_seconds=600, max_concurrent=None, by=staff_user)
    busy = Usage(active_jobs=0, seconds_today=300)
    assert generation_decision(alice, requested_seconds=10, usage=busy).allowed
    assert generation_decision(bob, requested_seconds=10, usage=busy).code == "quota"
    assert quota_remaining(alice, seconds_today=300) == 300
    assert quota_remaining(bob, seconds_today=300) == 0


def test_quota_changes_are_audited_with_before_and_after(alice: User, staff_user: User) -> None:
    quota_set(user=alice, daily_seconds=600, max_concurrent=1, by=staff_user)
    quota_set(user=alice, daily_seconds=900, max_concurrent=1, by=staff_user)
    assert quota_clear(user=alice, by=staff_user)
    events = AuditEvent.objects.filter(action="quota.change").order_by("id")
    assert [e.details["after"]["daily_seconds"] for e in events] == [600, 900, None]
    assert events[1].details["before"]["daily_seconds"] == 600
    assert all(e.actor == staff_user and e.target == alice.email for e in events)
    assert not Quota.objects.filter(user=alice).exists()


def test_negative_quota_is_refused_and_changes_nothing(alice: User, staff_user: User) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="negative"):
        quota_set(user=alice, daily_seconds=-1, max_concurrent=None, by=staff_user)
    assert not Quota.objects.exists() and not AuditEvent.objects.exists()


def test_staff_edit_quotas_in_the_admin_and_it_is_audited(
    alice: User, staff_user: User, client_for: ClientFor
) -> None:
    client = client_for(staff_user)
    page = form_post(
        client,
        "/admin/access/quota/add/",
        {"user": str(alice.pk), "daily_seconds": "300", "max_concurrent": "4"},
    )
    assert page.status_code == 302
    quota = Quota.objects.get(user=alice)
    assert (quota.daily_seconds, quota.max_concurrent) == (300, 4)
    event = AuditEvent.objects.get(action="quota.change")
    assert event.actor == staff_user and event.details["after"]["max_concurrent"] == 4


@override_settings(QUOTA_MAX_CONCURRENT=2)
def test_too_many_concurrent_jobs_are_refused(alice: User) -> None:
    assert generation_decision(alice, usage=Usage(active_jobs=1, seconds_today=0)).allowed
    decision = generation_decision(alice, usage=Usage(active_jobs=2, seconds_today=0))
    assert (decision.allowed, decision.code) == (False, "concurrency")
    assert "2 unfinished job(s) at once" in decision.reason
    several = generation_decision(
        alice, usage=Usage(active_jobs=1, seconds_today=0), requested_jobs=2
    )
    assert several.code == "concurrency"


@override_settings(SUBMIT_RATE="3/m")
def test_submissions_beyond_the_rate_are_refused_with_retry_after(alice: User, bob: User) -> None:
    decisions = [generation_decision(alice, usage=IDLE, requested_seconds=1) for _ in range(4)]
    assert [d.allowed for d in decisions] == [True, True, True, False]
    refused = decisions[-1]
    assert refused.code == "rate_limited"
    assert refused.retry_after is not None and 1 <= refused.retry_after <= 61
    assert "3 time(s) per 1 min" in refused.reason
    assert generation_decision(bob, usage=IDLE, requested_seconds=1).allowed  # per person


@override_settings(SUBMIT_RATE="1/m")
def test_the_workers_recheck_does_not_count_against_the_rate(alice: User) -> None:
    for _ in range(3):
        assert generation_decision(alice).allowed  # no usage: not a submission
    assert generation_decision(alice, usage=IDLE, requested_seconds=1).allowed


def test_anonymous_and_revoked_people_are_refused_first(
    carol: User, alice: User, staff_user: User
) -> None:
    assert generation_decision(AnonymousUser(), usage=IDLE).code == "not_authenticated"
    assert generation_decision(carol, usage=IDLE).code == "revoked"
    person_revoke(user=alice, by=staff_user, reason="Leak")
    assert generation_decision(alice, usage=IDLE).code == "revoked"


@override_settings(ACCOUNT_RATE_LIMITS={"login_failed": "5/m/ip,10/5m/key"})
def test_failed_sign_ins_are_throttled(alice: User) -> None:
    client = Client(enforce_csrf_checks=True)
    throttled = b"Too many failed login attempts"
    pages = [
        form_post(client, "/accounts/login/", {"login": alice.email, "password": f"wrong-{n}"})
        for n in range(6)
    ]
    assert [throttled in page.content for page in pages] == [False] * 5 + [True]
    # While throttled, even the right password does not get in.
    right = form_post(client, "/accounts/login/", {"login": alice.email, "password": PASSWORD})
    assert throttled in right.content
    assert client.get("/account/tokens/").status_code == 302


def test_the_create_page_shows_the_budget_left_today(client_for, alice, settings) -> None:
    from tests.jobs import make_job

    settings.QUOTA_DAILY_SECONDS = 60
    make_job(alice, num_frames=80, fps=8)  # 10 s asked for today
    page = client_for(alice).get("/create/")
    assert page.status_code == 200
    assert 'data-budget-remaining="50.0"' in page.content.decode()
