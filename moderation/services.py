"""Writes for moderation: screen a text, decide a held review, handle reports.

Every status change is one conditional UPDATE (two moderators clicking at once
cannot both decide), every human decision writes an audit event, and every
decision other apps act on is announced by a signal sent on commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.http import HttpRequest
from django.utils import timezone

from access.audit import audit_record
from moderation import signals
from moderation.categories import category_label
from moderation.classifiers import ClassifierResult, classifiers_run, frame_classifiers_run
from moderation.models import (
    Appeal,
    ProtectedName,
    Report,
    ReviewStatus,
    Rule,
    Screening,
    Verdict,
)
from moderation.names import Protected
from moderation.normalise import normalise
from moderation.rules import Match, matches_find

_VERB: dict[str, str] = {ReviewStatus.APPROVED: "approve", ReviewStatus.REJECTED: "reject"}
SEVERITY = {Verdict.ALLOW: 0, Verdict.FLAG: 1, Verdict.BLOCK: 2}


@dataclass
class Assessment:
    """A verdict before it is stored (the eval command uses it without writing)."""

    verdict: str
    category: str
    normalised: str
    matches: list[Match] = field(default_factory=list)
    classifiers: list[ClassifierResult] = field(default_factory=list)


def _strongest(candidates: Iterable[tuple[str, str]]) -> tuple[str, str]:
    """The most severe (verdict, category); the first one wins a tie."""
    best = (Verdict.ALLOW.value, "")
    for verdict, category in candidates:
        if SEVERITY[Verdict(verdict)] > SEVERITY[Verdict(best[0])]:
            best = (verdict, category)
    return best


def screen_assess(*, text: str) -> Assessment:
    """Rules and classifiers combined: the strictest of them decides."""
    normalised = normalise(text)
    protected = Protected.of(
        ProtectedName.objects.filter(enabled=True).values_list("name", flat=True)
    )
    matches = matches_find(
        normalised=normalised, rules=Rule.objects.filter(enabled=True), protected=protected
    )
    results = classifiers_run(text=text, normalised=normalised.text)
    verdict, category = _strongest(
        [(m.action, m.category) for m in matches] + [r.verdict() for r in results]
    )
    return Assessment(verdict, category, normalised.text, matches, results)


def screen_text(
    *, text: str, submitter: User | None, subject_type: str, subject_id: int
) -> Screening:
    """Screen, store and return the verdict. A flagged text waits in the review queue."""
    assessment = screen_assess(text=text)
    screening = Screening.objects.create(
        subject_type=subject_type,
        subject_id=subject_id,
        submitter=submitter,
        text=text,
        normalised=assessment.normalised,
        verdict=assessment.verdict,
        category=assessment.category,
        public_category=category_label(assessment.category) if assessment.category else "",
        public_reason=_prompt_reason(assessment.verdict, assessment.category),
        matches=[m.as_json() for m in assessment.matches],
        classifier_scores={
            r.name: ({"error": r.error} if r.error else r.scores) for r in assessment.classifiers
        },
        review_status=(
            ReviewStatus.PENDING if assessment.verdict == Verdict.FLAG else ReviewStatus.NONE
        ),
    )
    if screening.verdict != Verdict.ALLOW:
        _audit_screening(screening)
    return screening


def frames_sample(frames: np.ndarray, *, count: int) -> np.ndarray:
    """Up to `count` frames spread evenly over the clip, as T x H x W x 3 uint8."""
    if frames.ndim != 4 or frames.shape[-1] != 3:
        raise ValueError(f"frames must be T x H x W x 3, not {frames.shape}")
    picks = np.unique(np.linspace(0, len(frames) - 1, num=min(count, len(frames))).round())
    sampled = frames[picks.astype(int)]
    if sampled.dtype != np.uint8:  # pipelines return floats in [0, 1]
        sampled = (np.clip(sampled, 0, 1) * 255).round().astype(np.uint8)
    return np.ascontiguousarray(sampled)


def frames_screen(
    *,
    frames: np.ndarray,
    prompt: str,
    submitter: User | None,
    subject_type: str,
    subject_id: int,
) -> Screening:
    """Screen a finished video's frames; the verdict is announced at once.

    flag: `subject_held` (the owner sees "held for review", it waits in the queue);
    block: `subject_removed`. Both are sent inside the caller's transaction, so a
    video stored in it is never visible unscreened. No classifier: allowed,
    nothing stored.
    """
    if not getattr(settings, "MODERATION_FRAME_CLASSIFIERS", []):
        return Screening(subject_type=subject_type, subject_id=subject_id, verdict=Verdict.ALLOW)
    sampled = frames_sample(frames, count=settings.MODERATION_FRAME_SAMPLES)
    results = frame_classifiers_run(frames=sampled, prompt=prompt)
    verdict, category = _strongest(r.verdict() for r in results)
    screening = Screening.objects.create(
        subject_type=subject_type,
        subject_id=subject_id,
        submitter=submitter,
        text=prompt,
        verdict=verdict,
        category=category,
        public_category=category_label(category) if category else "",
        public_reason=_frames_reason(verdict, category),
        classifier_scores={r.name: ({"error": r.error} if r.error else r.scores) for r in results},
        review_status=ReviewStatus.PENDING if verdict == Verdict.FLAG else ReviewStatus.NONE,
    )
    if verdict != Verdict.ALLOW:
        _audit_screening(screening)
        signal = signals.subject_held if verdict == Verdict.FLAG else signals.subject_removed
        signal.send(
            sender=Screening,
            subject_type=subject_type,
            subject_id=subject_id,
            screening=screening,
            reason=screening.public_reason,
        )
    return screening


def _prompt_reason(verdict: str, category: str) -> str:
    """What the artist is told about a prompt. Never names a rule, a pattern or a score."""
    label = category_label(category)
    if verdict == Verdict.BLOCK:
        return f"This prompt asks for something the studio does not make ({label.lower()})."
    if verdict == Verdict.FLAG:
        return f"A moderator will look at this prompt before it runs ({label.lower()})."
    return ""


def _frames_reason(verdict: str, category: str) -> str:
    label = category_label(category).lower() if category else ""
    if verdict == Verdict.BLOCK:
        return f"This video was removed: it shows something the studio does not make ({label})."
    if verdict == Verdict.FLAG:
        return f"A moderator will look at this video before anyone else can see it ({label})."
    return ""


def _audit_screening(screening: Screening) -> None:
    audit_record(
        action=f"moderation.screen.{screening.verdict}",
        actor=None,
        target=screening.subject,
        details={
            "screening": screening.pk,
            "category": screening.category,
            "rules": sorted({m["rule_id"] for m in screening.matches}),
        },
    )


def _send_on_commit(signal: Signal, sender: type, **kwargs: Any) -> None:
    """Receivers act on committed decisions only (a rolled-back one never happened)."""
    transaction.on_commit(lambda: signal.send(sender=sender, **kwargs))


def _review_decide(
    *,
    screening: Screening,
    moderator: User,
    status: str,
    reason: str,
    request: HttpRequest | None,
) -> bool:
    with transaction.atomic():
        now = timezone.now()
        moved = Screening.objects.filter(
            pk=screening.pk, review_status=ReviewStatus.PENDING
        ).update(review_status=status, reviewed_by=moderator, reviewed_at=now, review_reason=reason)
        if not moved:
            return False
        screening.review_status, screening.reviewed_by = status, moderator  # type: ignore[assignment]
        screening.reviewed_at, screening.review_reason = now, reason
        audit_record(
            action=f"moderation.review.{_VERB[status]}",
            actor=moderator,
            target=screening.subject,
            request=request,
            details={"screening": screening.pk, "reason": reason},
        )
        signal = (
            signals.subject_approved
            if status == ReviewStatus.APPROVED
            else signals.subject_rejected
        )
        _send_on_commit(
            signal,
            Screening,
            subject_type=screening.subject_type,
            subject_id=screening.subject_id,
            screening=screening,
            moderator=moderator,
            reason=reason,
        )
    return True


def review_approve(
    *,
    screening: Screening,
    moderator: User,
    reason: str = "",
    request: HttpRequest | None = None,
) -> bool:
    """Approve a held text; False if someone already decided it."""
    return _review_decide(
        screening=screening,
        moderator=moderator,
        status=ReviewStatus.APPROVED,
        reason=reason,
        request=request,
    )


def review_reject(
    *,
    screening: Screening,
    moderator: User,
    reason: str,
    request: HttpRequest | None = None,
) -> bool:
    """Reject a held text; the reason is shown to the artist. False if already decided."""
    if not reason.strip():
        raise ValidationError("A rejection needs a reason the artist can read.", code="reason")
    return _review_decide(
        screening=screening,
        moderator=moderator,
        status=ReviewStatus.REJECTED,
        reason=reason.strip(),
        request=request,
    )


def screenings_cancel(*, subject_type: str, subject_ids: list[int]) -> int:
    """Take withdrawn subjects (cancelled jobs, revoked people) out of the review queue."""
    return Screening.objects.filter(
        subject_type=subject_type, subject_id__in=subject_ids, review_status=ReviewStatus.PENDING
    ).update(review_status=ReviewStatus.WITHDRAWN, reviewed_at=timezone.now())


def report_create(
    *,
    reporter: User | AnonymousUser,
    subject_type: str,
    subject_id: int,
    reason: str,
    subject_owner: User | None = None,
    subject_text: str = "",
) -> Report:
    """File a report; a second open report by the same person returns the first."""
    if not reporter.is_authenticated:
        raise PermissionDenied("Only signed-in people can report")
    existing = Report.objects.filter(
        reporter=reporter,
        subject_type=subject_type,
        subject_id=subject_id,
        status=Report.Status.OPEN,
    ).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            report = Report.objects.create(
                reporter=reporter,
                subject_type=subject_type,
                subject_id=subject_id,
                reason=reason.strip()[:2000],
                subject_owner=subject_owner,
                subject_text=subject_text,
            )
    except IntegrityError:  # the same person reported twice at the same instant
        return Report.objects.get(
            reporter=reporter,
            subject_type=subject_type,
            subject_id=subject_id,
            status=Report.Status.OPEN,
        )
    audit_record(
        action="moderation.report.create",
        actor=reporter,
        target=report.subject,
        details={"report": report.pk},
    )
    return report


def _report_decide(
    *,
    report: Report,
    moderator: User,
    status: str,
    allowed_from: set[str],
    reason: str,
    request: HttpRequest | None,
    signal: Signal | None,
) -> bool:
    """Decide a report, and with it every other report still open on the same subject."""
    with transaction.atomic():
        now = timezone.now()
        decided = {
            "status": status,
            "decided_by": moderator,
            "decided_at": now,
            "decision_reason": reason,
        }
        if not Report.objects.filter(pk=report.pk, status__in=allowed_from).update(**decided):
            return False
        Report.objects.filter(
            subject_type=report.subject_type,
            subject_id=report.subject_id,
            status=Report.Status.OPEN,
        ).update(**decided)
        report.status, report.decided_by, report.decided_at = status, moderator, now
        report.decision_reason = reason
        audit_record(
            action=f"moderation.report.{status}",
            actor=moderator,
            target=report.subject,
            request=request,
            details={"report": report.pk, "reason": reason},
        )
        if signal is not None:
            _send_on_commit(
                signal,
                Report,
                subject_type=report.subject_type,
                subject_id=report.subject_id,
                report=report,
                moderator=moderator,
                reason=reason,
            )
    return True


def report_hide(
    *, report: Report, moderator: User, reason: str, request: HttpRequest | None = None
) -> bool:
    """Hide the subject from the community; its owner keeps it, marked hidden."""
    return _report_decide(
        report=report,
        moderator=moderator,
        status=Report.Status.HIDDEN,
        allowed_from={Report.Status.OPEN},
        reason=reason,
        request=request,
        signal=signals.subject_hidden,
    )


def report_remove(
    *, report: Report, moderator: User, reason: str, request: HttpRequest | None = None
) -> bool:
    """Remove the subject. A report already hidden can still be escalated to removal."""
    return _report_decide(
        report=report,
        moderator=moderator,
        status=Report.Status.REMOVED,
        allowed_from={Report.Status.OPEN, Report.Status.HIDDEN},
        reason=reason,
        request=request,
        signal=signals.subject_removed,
    )


def report_dismiss(
    *,
    report: Report,
    moderator: User,
    reason: str = "",
    request: HttpRequest | None = None,
) -> bool:
    """Close the report with no action on the subject (nothing is announced)."""
    return _report_decide(
        report=report,
        moderator=moderator,
        status=Report.Status.DISMISSED,
        allowed_from={Report.Status.OPEN},
        reason=reason,
        request=request,
        signal=None,
    )


APPEAL_MAX_CHARS = 2000


class AppealRefused(ValidationError):
    """Why an appeal cannot be filed, in words the artist reads."""


def appeal_create(*, screening: Screening | None, appellant: User, message: str) -> Appeal:
    """File the artist's one appeal against a refusal; it joins the review queue."""
    message = message.strip()
    if screening is None or screening.submitter_id != appellant.pk:
        raise AppealRefused("There is no refusal here to appeal.")
    refused = screening.verdict == Verdict.BLOCK or screening.review_status == ReviewStatus.REJECTED
    if not refused:
        raise AppealRefused("Only a refusal can be appealed.")
    if not message:
        raise AppealRefused("Say why the decision should change: a moderator reads it.")
    if len(message) > APPEAL_MAX_CHARS:
        raise AppealRefused(f"Keep the appeal under {APPEAL_MAX_CHARS} characters.")
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(
                screening=screening, appellant=appellant, message=message
            )
    except IntegrityError as exc:  # the OneToOne: a second appeal, or a double click
        raise AppealRefused(
            "This decision was already appealed; an appeal is allowed once."
        ) from exc
    audit_record(
        action="moderation.appeal.create",
        actor=appellant,
        target=screening.subject,
        details={"appeal": appeal.pk, "screening": screening.pk},
    )
    return appeal


def appeal_decide(
    *,
    appeal: Appeal,
    moderator: User,
    grant: bool,
    reason: str,
    request: HttpRequest | None = None,
) -> bool:
    """Grant or turn down a pending appeal; False if someone already decided it."""
    if not reason.strip():
        raise ValidationError(
            "An appeal decision needs a reason the artist can read.", code="reason"
        )
    status = Appeal.Status.GRANTED if grant else Appeal.Status.DENIED
    with transaction.atomic():
        now = timezone.now()
        moved = Appeal.objects.filter(pk=appeal.pk, status=Appeal.Status.PENDING).update(
            status=status, decided_by=moderator, decided_at=now, decision_reason=reason.strip()
        )
        if not moved:
            return False
        appeal.status, appeal.decided_by, appeal.decided_at = status, moderator, now
        appeal.decision_reason = reason.strip()
        screening = appeal.screening
        audit_record(
            action=f"moderation.appeal.{'grant' if grant else 'deny'}",
            actor=moderator,
            target=screening.subject,
            request=request,
            details={"appeal": appeal.pk, "screening": screening.pk, "reason": reason.strip()},
        )
        _send_on_commit(
            signals.appeal_decided,
            Appeal,
            subject_type=screening.subject_type,
            subject_id=screening.subject_id,
            appeal=appeal,
            granted=grant,
            reason=appeal.decision_reason,
        )
    return True
