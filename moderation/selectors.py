"""Reads the review pages reuse: the queue, a submitter's history, highlighted text."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Count, Q, QuerySet

from moderation.models import Appeal, Report, ReviewStatus, Screening, Verdict

HISTORY_LIMIT = 10


def review_queue() -> QuerySet[Screening]:
    """Held texts, oldest first: the one waiting longest is decided first."""
    return (
        Screening.objects.filter(review_status=ReviewStatus.PENDING)
        .select_related("submitter")
        .order_by("created_at", "id")
    )


def report_queue() -> QuerySet[Report]:
    return (
        Report.objects.filter(status=Report.Status.OPEN)
        .select_related("reporter", "subject_owner")
        .order_by("created_at", "id")
    )


def appeal_queue() -> QuerySet[Appeal]:
    return (
        Appeal.objects.filter(status=Appeal.Status.PENDING)
        .select_related("appellant", "screening")
        .order_by("created_at", "id")
    )


def refusal_for_subject(*, subject_type: str, subject_id: int) -> Screening | None:
    """The latest screening that refused this subject (blocked, or rejected by a person)."""
    refused = Q(verdict=Verdict.BLOCK) | Q(review_status=ReviewStatus.REJECTED)
    return (
        Screening.objects.filter(refused, subject_type=subject_type, subject_id=subject_id)
        .select_related("appeal")
        .order_by("-created_at", "-id")
        .first()
    )


@dataclass(frozen=True)
class AppealState:
    """What the artist may see about appealing one refusal."""

    can_appeal: bool
    status: str = ""
    status_label: str = ""
    decision_reason: str = ""


def appeal_state(*, subject_type: str, subject_id: int) -> AppealState | None:
    """None when nothing screened refused the subject (nothing to appeal)."""
    screening = refusal_for_subject(subject_type=subject_type, subject_id=subject_id)
    if screening is None:
        return None
    appeal = Appeal.objects.filter(screening=screening).first()
    if appeal is None:
        return AppealState(can_appeal=True)
    return AppealState(False, appeal.status, appeal.get_status_display(), appeal.decision_reason)


def submitter_history(
    *, submitter: User | None, exclude_id: int | None = None
) -> QuerySet[Screening]:
    if submitter is None:
        return Screening.objects.none()
    screenings = Screening.objects.filter(submitter=submitter)
    if exclude_id is not None:
        screenings = screenings.exclude(pk=exclude_id)
    return screenings.order_by("-created_at", "-id")[:HISTORY_LIMIT]


def submitter_verdict_counts(*, submitter: User | None) -> dict[str, int]:
    if submitter is None:
        return {}
    rows = Screening.objects.filter(submitter=submitter).values("verdict").annotate(n=Count("id"))
    return {row["verdict"]: row["n"] for row in rows}


def reports_on_subject(*, subject_type: str, subject_id: int) -> QuerySet[Report]:
    return Report.objects.filter(subject_type=subject_type, subject_id=subject_id).select_related(
        "reporter"
    )


@dataclass(frozen=True)
class Segment:
    text: str
    highlighted: bool
    label: str = ""


def highlighted_segments(screening: Screening) -> list[Segment]:
    """The original text cut into plain and matched pieces (templates escape each)."""
    spans = sorted(
        (int(m["start"]), int(m["end"]), str(m.get("category", ""))) for m in screening.matches
    )
    segments: list[Segment] = []
    cursor = 0
    for start, end, label in spans:
        start = max(start, cursor)  # overlapping matches are merged into the first
        if end <= start:
            continue
        if start > cursor:
            segments.append(Segment(screening.text[cursor:start], False))
        segments.append(Segment(screening.text[start:end], True, label))
        cursor = end
    if cursor < len(screening.text):
        segments.append(Segment(screening.text[cursor:], False))
    return segments


def subjects_under_review(*, subject_type: str) -> set[int]:
    """Ids of subjects a moderator still has to look at: an open report or a held screening.

    Retention must never delete these: the evidence would go before the decision.
    """
    reported = Report.objects.filter(subject_type=subject_type, status=Report.Status.OPEN)
    held = Screening.objects.filter(subject_type=subject_type, review_status=ReviewStatus.PENDING)
    return set(reported.values_list("subject_id", flat=True)) | set(
        held.values_list("subject_id", flat=True)
    )
