"""What moderation refuses or holds, in words an artist may read."""

from __future__ import annotations

CATEGORIES: dict[str, str] = {
    "minors_sexual": "Sexual content involving minors",
    "sexual_violence": "Sexual violence",
    "real_people_sexual": "Sexual content depicting real people",
    "real_people_abuse": "Humiliating or violent content depicting real people",
    "sexual_explicit": "Explicit sexual content",
    "gore": "Graphic gore",
    "extremism": "Extremist propaganda",
    "self_harm": "Self-harm",
    "mass_violence": "Glorification of mass violence",
    "other": "Other",
}
CATEGORY_CHOICES = list(CATEGORIES.items())


def category_label(code: str) -> str:
    return CATEGORIES.get(code, CATEGORIES["other"])
