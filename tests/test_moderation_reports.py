"""Reports: an artist reports a community video; a moderator hides, removes or dismisses."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from access.models import AuditEvent
from moderation import services, signals
from moderation.models import Report
from tests.people import form_post
from tests.test_moderation_fixtures import SUBJECT

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(alice: Any, bob: Any) -> Report:
    return services.report_create(
        reporter=bob,
        subject_type=SUBJECT,
        subject_id=7,
        reason="It shows something cruel.",
        subject_owner=alice,
        subject_text="a calm sea",
    )


@pytest.fixture
def received() -> Any:
    calls: list[tuple[str, dict[str, Any]]] = []

    def hidden(sender: Any, **kwargs: Any) -> None:
        calls.append(("hidden", kwargs))

    def removed(sender: Any, **kwargs: Any) -> None:
        calls.append(("removed", kwargs))

    signals.subject_hidden.connect(hidden)
    signals.subject_removed.connect(removed)
    yield calls
    signals.subject_hidden.disconnect(hidden)
    signals.subject_removed.disconnect(removed)


def review_url(report: Report) -> str:
    return reverse("admin:moderation_report_review", args=[report.pk])


def test_an_artist_files_a_report_once(report: Report, bob: Any) -> None:
    again = services.report_create(reporter=bob, subject_type=SUBJECT, subject_id=7, reason="again")
    assert again.pk == report.pk
    assert (report.status, report.reporter, report.subject_text) == ("open", bob, "a calm sea")
    assert AuditEvent.objects.filter(action="moderation.report.create", actor=bob).count() == 1


def test_reports_land_in_the_moderation_queue(report: Report, mod: Any, client_for: Any) -> None:
    page = client_for(mod).get(reverse("admin:moderation_queue")).content.decode()
    assert review_url(report) in page and "It shows something cruel." in page


def test_a_moderator_hides_a_reported_video(
    report: Report,
    mod: Any,
    alice: Any,
    client_for: Any,
    received: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # A second person's report on the same video is settled by the same decision.
    services.report_create(reporter=alice, subject_type=SUBJECT, subject_id=7, reason="same")
    client = client_for(mod)
    with django_capture_on_commit_callbacks(execute=True):
        response = form_post(client, review_url(report), {"decision": "hide", "reason": "Cruel."})
    assert response.status_code == 302
    assert set(Report.objects.values_list("status", flat=True)) == {"hidden"}
    [(name, kwargs)] = received
    assert name == "hidden"
    assert (
        kwargs["subject_type"],
        kwargs["subject_id"],
        kwargs["moderator"],
        kwargs["reason"],
    ) == (SUBJECT, 7, mod, "Cruel.")
    assert kwargs["report"].pk == report.pk
    assert AuditEvent.objects.get(action="moderation.report.hidden").actor == mod


def test_a_hidden_video_can_still_be_removed(
    report: Report, mod: Any, received: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assert services.report_hide(report=report, moderator=mod, reason="Cruel.")
        assert services.report_remove(report=report, moderator=mod, reason="Worse than we thought.")
        assert not services.report_hide(report=report, moderator=mod, reason="late")
    assert [name for name, _ in received] == ["hidden", "removed"]
    report.refresh_from_db()
    assert (report.status, report.decision_reason) == ("removed", "Worse than we thought.")


def test_dismissing_announces_nothing(
    report: Report,
    mod: Any,
    client_for: Any,
    received: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        form_post(client_for(mod), review_url(report), {"decision": "dismiss", "reason": ""})
    report.refresh_from_db()
    assert report.status == "dismissed" and received == []
    assert AuditEvent.objects.filter(action="moderation.report.dismissed", actor=mod).exists()


def test_bulk_remove_from_the_changelist(
    report: Report,
    mod: Any,
    client_for: Any,
    received: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    changelist = reverse("admin:moderation_report_changelist")
    chosen = {"action": "remove_selected", "_selected_action": [report.pk]}
    client = client_for(mod)
    with django_capture_on_commit_callbacks(execute=True):
        form_post(
            client, changelist, {**chosen, "confirm": "1", "decision": "remove", "reason": "Gone."}
        )
    assert [(n, k["reason"]) for n, k in received] == [("removed", "Gone.")]


def test_an_artist_cannot_reach_report_review(report: Report, alice: Any, client_for: Any) -> None:
    response = client_for(alice).get(review_url(report))
    assert (
        response.status_code == 302 and "It shows something cruel." not in response.content.decode()
    )


def test_an_anonymous_person_cannot_report(db: None) -> None:
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        services.report_create(
            reporter=AnonymousUser(), subject_type=SUBJECT, subject_id=1, reason="x"
        )
