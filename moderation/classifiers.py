"""The hook for a site's own model: settings.MODERATION_CLASSIFIERS.

Each entry is the dotted path of a callable

    def classify(*, text: str, normalised: str) -> Mapping[str, float]

returning a score in [0, 1] per category code (see moderation/categories.py;
unknown codes count as "other"). A score at or above MODERATION_CLASSIFIER_BLOCK_AT
blocks, at or above MODERATION_CLASSIFIER_FLAG_AT flags. A classifier that raises
holds the prompt for a person rather than letting it through.

settings.MODERATION_FRAME_CLASSIFIERS is the same hook for the video itself:

    def classify_frames(*, frames: numpy.ndarray, prompt: str) -> Mapping[str, float]

with frames T x H x W x 3 uint8 (sampled from the decoded video), same thresholds,
and the same rule: a classifier that raises holds the video.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from moderation.categories import CATEGORIES
from moderation.models import Verdict

log = logging.getLogger(__name__)
Classifier = Callable[..., Mapping[str, float]]


@dataclass(frozen=True)
class ClassifierResult:
    name: str
    scores: dict[str, float]
    error: str = ""

    def verdict(self) -> tuple[str, str]:
        """(verdict, category) this result asks for."""
        if self.error:
            return Verdict.FLAG, "other"
        if not self.scores:
            return Verdict.ALLOW, ""
        category, score = max(self.scores.items(), key=lambda item: item[1])
        category = category if category in CATEGORIES else "other"
        if score >= getattr(settings, "MODERATION_CLASSIFIER_BLOCK_AT", 0.9):
            return Verdict.BLOCK, category
        if score >= getattr(settings, "MODERATION_CLASSIFIER_FLAG_AT", 0.5):
            return Verdict.FLAG, category
        return Verdict.ALLOW, ""


@cache
def _load(path: str) -> Classifier:
    return import_string(path)  # type: ignore[no-any-return]


def classifiers_run(*, text: str, normalised: str) -> list[ClassifierResult]:
    paths = list(getattr(settings, "MODERATION_CLASSIFIERS", []))
    return _run_each(paths, text=text, normalised=normalised)


def _run_each(paths: list[str], **inputs: Any) -> list[ClassifierResult]:
    results = []
    for path in paths:
        try:
            raw = _load(path)(**inputs)
            scores = {str(k): float(v) for k, v in raw.items()}
        except Exception as exc:  # a broken model must not let anything through
            log.exception("Moderation classifier %s failed", path)
            results.append(ClassifierResult(path, {}, error=type(exc).__name__))
            continue
        results.append(ClassifierResult(path, scores))
    return results


def frame_classifiers_run(*, frames: Any, prompt: str) -> list[ClassifierResult]:
    """Every configured frame classifier on the same sampled frames."""
    return _run_each(
        list(getattr(settings, "MODERATION_FRAME_CLASSIFIERS", [])), frames=frames, prompt=prompt
    )
