"""Readable names for what moderation records are about ("Job #10 by ana@example.com").

moderation stores a subject as a type and an id ("generation.job", 10) and may not
import the apps that own those rows. Each such app registers, when it starts, how
to name its subjects and, where it has them, how to show their media; moderation
asks here and falls back to "generation.job:10" for a type nobody registered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class SubjectMedia:
    video_url: str
    poster_url: str
    detail_url: str


Labeler = Callable[[Sequence[int]], dict[int, str]]
MediaFinder = Callable[[int], SubjectMedia | None]

_labelers: dict[str, Labeler] = {}
_media_finders: dict[str, MediaFinder] = {}


class HasSubject(Protocol):
    subject_type: str
    subject_id: int


def subject_type_register(
    *, subject_type: str, labeler: Labeler, media: MediaFinder | None = None
) -> None:
    """Called from an app's ready(): `labeler` names many ids of one type at once (one
    query for a page of rows); `media` finds one subject's video and poster."""
    _labelers[subject_type] = labeler
    if media is not None:
        _media_finders[subject_type] = media


def raw_subject(subject_type: str, subject_id: int) -> str:
    return f"{subject_type}:{subject_id}"


def subject_labels_fill(items: Iterable[Any]) -> list[Any]:
    """Give each record (Screening, Report) a `subject_label`, one lookup per type."""
    rows = list(items)
    by_type: dict[str, set[int]] = {}
    for row in rows:
        by_type.setdefault(row.subject_type, set()).add(row.subject_id)
    names: dict[tuple[str, int], str] = {}
    for subject_type, ids in by_type.items():
        labeler = _labelers.get(subject_type)
        found = labeler(sorted(ids)) if labeler else {}
        names.update({(subject_type, pk): label for pk, label in found.items()})
    for row in rows:
        key = (row.subject_type, row.subject_id)
        row.subject_label = names.get(key) or raw_subject(*key)
    return rows


def subject_label(subject_type: str, subject_id: int) -> str:
    labeler = _labelers.get(subject_type)
    found = labeler([subject_id]) if labeler else {}
    return found.get(subject_id) or raw_subject(subject_type, subject_id)


def subject_media(subject_type: str, subject_id: int) -> SubjectMedia | None:
    finder = _media_finders.get(subject_type)
    return finder(subject_id) if finder else None
