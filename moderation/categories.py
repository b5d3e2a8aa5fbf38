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


def public_reason(*, verdict: str, code: str) -> str:
    """What the artist is told. Never names a rule, a pattern or a score."""
    label = category_label(code)
    if verdict == "block":
        return f"This prompt asks for something the studio does not make ({label.lower()})."
    if verdict == "flag":
        return f"A moderator will look at this prompt before it runs ({label.lower()})."
    return ""
