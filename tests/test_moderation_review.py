# ruff: noqa: F811 - fixtures are imported from tests/test_moderation_fixtures.py
"""The held-prompt flow end to end, and who may reach the review pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from access.models import AuditEvent
from moderation import services, signals
from moderation.models import ReviewStatus, Screening
from tests.people import form_post
from tests.test_moderation_fixtures import SUBJECT, only_rules, staff_without_review  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(only_rules: Any, alice: Any) -> Screening:
    only_rules("lava", action="flag", category="gore")
    screening = services.screen_text(
        text="A river of LAVA at dusk", submitter=alice, subject_type=SUBJECT, subject_id=41
    )
    assert (screening.verdict, screening.review_status) == ("flag", ReviewStatus.PENDING)
    return screening


@pytest.fixture
def received() -> Any:
    """Every moderation signal sent during the test, with its arguments."""
    calls: list[tuple[str, dict[str, Any]]] = []
    handlers = {}
    for name in ("subject_approved", "subject_rejected", "subject_hidden", "subject_removed"):

        def handler(sender: Any, _name: str = name, **kwargs: Any) -> None:
            kwargs.pop("signal", None)
            calls.append((_name, kwargs))

        handlers[name] = handler
        getattr(signals, name).connect(handler)
    yield calls
    for name, handler in handlers.items():
        getattr(signals, name).disconnect(handler)


def review_url(screening: Screening) -> str:
    return reverse("admin:moderation_screening_review", args=[screening.pk])


def test_a_flagged_prompt_waits_with_a_public_reason_free_of_internals(held: Screening) -> None:
    assert held.public_category == "Graphic gore"
    assert "lava" not in held.public_reason.lower() and "rule" not in held.public_reason.lower()
    assert held.normalised == "a river of lava at dusk"
    assert AuditEvent.objects.filter(action="moderation.screen.flag", target=held.subject).exists()


def test_the_queue_lists_held_prompts_oldest_first(
    held: Screening, alice: Any, mod: Any, client_for: Any
) -> None:
    newer = services.screen_text(
        text="lava lamp", submitter=alice, subject_type=SUBJECT, subject_id=42
    )
    response = client_for(mod).get(reverse("admin:moderation_queue"))
    page = response.content.decode()
    assert page.index(review_url(held)) < page.index(review_url(newer))


def test_the_review_page_highlights_the_span_and_shows_history(
    held: Screening, alice: Any, mod: Any, client_for: Any
) -> None:
    services.screen_text(
        text="an older calm sea", submitter=alice, subject_type=SUBJECT, subject_id=40
    )
    page = client_for(mod).get(review_url(held)).content.decode()
    assert '<mark title="gore">LAVA</mark>' in page
    assert "an older calm sea" in page


def test_a_moderator_approves_in_the_admin(
    held: Screening,
    mod: Any,
    received: Any,
    django_capture_on_commit_callbacks: Any,
    client_for: Any,
) -> None:
    client = client_for(mod)
    with django_capture_on_commit_callbacks(execute=True):
        response = form_post(client, review_url(held), {"decision": "approve", "reason": "Art."})
    assert response.status_code == 302
    held.refresh_from_db()
    assert (held.review_status, held.reviewed_by, held.review_reason) == ("approved", mod, "Art.")
    [(name, kwargs)] = received
    assert name == "subject_approved"
    assert (
        kwargs["subject_type"],
        kwargs["subject_id"],
        kwargs["moderator"],
        kwargs["reason"],
    ) == (SUBJECT, 41, mod, "Art.")
    assert kwargs["screening"].pk == held.pk
    event = AuditEvent.objects.get(action="moderation.review.approve")
    assert (event.actor, event.target) == (mod, held.subject)


def test_a_moderator_rejects_with_a_reason_the_artist_will_read(
    held: Screening,
    mod: Any,
    received: Any,
    django_capture_on_commit_callbacks: Any,
    client_for: Any,
) -> None:
    client = client_for(mod)
    page = form_post(client, review_url(held), {"decision": "reject", "reason": ""})
    assert "Give a reason" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        form_post(client, review_url(held), {"decision": "reject", "reason": "Too graphic."})
    held.refresh_from_db()
    assert held.review_status == "rejected"
    assert [(n, k["reason"]) for n, k in received] == [("subject_rejected", "Too graphic.")]
    assert AuditEvent.objects.filter(action="moderation.review.reject", actor=mod).count() == 1


def test_bulk_reject_from_the_changelist(
    held: Screening,
    alice: Any,
    mod: Any,
    received: Any,
    django_capture_on_commit_callbacks: Any,
    client_for: Any,
) -> None:
    other = services.screen_text(
        text="lava lamp", submitter=alice, subject_type=SUBJECT, subject_id=42
    )
    client = client_for(mod)
    changelist = reverse("admin:moderation_screening_changelist") + "?review_status__exact=pending"
    chosen = {"action": "reject_selected", "_selected_action": [held.pk, other.pk]}
    confirm = form_post(client, changelist, chosen)
    assert "Reject: 2 selected" in confirm.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        form_post(
            client, changelist, {**chosen, "confirm": "1", "decision": "reject", "reason": "No."}
        )
    assert set(Screening.objects.values_list("review_status", flat=True)) == {"rejected"}
    assert sorted(k["subject_id"] for _, k in received) == [41, 42]


def test_a_decision_is_taken_once(
    held: Screening, mod: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assert services.review_approve(screening=held, moderator=mod) is True
        assert services.review_reject(screening=held, moderator=mod, reason="late") is False
    held.refresh_from_db()
    assert held.review_status == "approved"
    assert AuditEvent.objects.filter(action__startswith="moderation.review").count() == 1


def test_no_signal_is_sent_before_the_decision_commits(
    held: Screening, mod: Any, received: Any
) -> None:
    # Without the commit hook executing, nothing was announced.
    services.review_approve(screening=held, moderator=mod)
    assert received == []


def test_withdrawn_subjects_leave_the_queue(held: Screening, mod: Any, client_for: Any) -> None:
    assert services.screenings_cancel(subject_type=SUBJECT, subject_ids=[41]) == 1
    held.refresh_from_db()
    assert held.review_status == "withdrawn"
    assert services.review_approve(screening=held, moderator=mod) is False
    page = client_for(mod).get(reverse("admin:moderation_queue")).content.decode()
    assert "Nothing is held." in page


def test_an_allowed_prompt_is_stored_and_not_held(only_rules: Any, alice: Any) -> None:
    screening = services.screen_text(
        text="a calm sea", submitter=alice, subject_type=SUBJECT, subject_id=5
    )
    assert (screening.verdict, screening.review_status, screening.public_reason) == (
        "allow",
        "none",
        "",
    )


PAGES = [
    lambda s: reverse("admin:moderation_queue"),
    review_url,
    lambda s: reverse("admin:moderation_screening_changelist"),
]


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_people_and_artists_cannot_reach_review_pages(
    page: Any, held: Screening, alice: Any, bob: Any, client_for: Any
) -> None:
    for client in (Client(), client_for(alice), client_for(bob)):
        response = client.get(page(held))
        # Sent to a sign-in page (the site's, or the admin's for signed-in artists).
        assert response.status_code == 302
        assert "/login/" in response["Location"]
        assert "LAVA" not in response.content.decode()


@pytest.mark.parametrize("page", PAGES)
def test_staff_without_the_review_permission_are_refused(
    page: Any, held: Screening, staff_without_review: Any, client_for: Any
) -> None:
    assert client_for(staff_without_review).get(page(held)).status_code == 403


@pytest.mark.parametrize("page", PAGES)
def test_a_moderator_reaches_review_pages(
    page: Any, held: Screening, mod: Any, client_for: Any
) -> None:
    assert client_for(mod).get(page(held)).status_code == 200


def test_an_artist_cannot_post_a_decision(held: Screening, alice: Any, client_for: Any) -> None:
    client = client_for(alice)
    client.get(review_url(held))
    client.post(review_url(held), {"decision": "approve"})
    held.refresh_from_db()
    assert held.review_status == "pending"
