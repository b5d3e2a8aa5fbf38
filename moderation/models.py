"""Moderation's own records: rules, a verdict per screened text, reports against subjects.

A subject is named by `subject_type` ("generation.job") and `subject_id`; this
app never imports the app that owns it.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from moderation.categories import CATEGORY_CHOICES, category_label
from moderation.normalise import normalise_term


class Action(models.TextChoices):
    BLOCK = "block", "Block"
    FLAG = "flag", "Flag for review"


class Verdict(models.TextChoices):
    ALLOW = "allow", "Allow"
    FLAG = "flag", "Flag"
    BLOCK = "block", "Block"


class ReviewStatus(models.TextChoices):
    NONE = "none", "Not held"
    PENDING = "pending", "Pending review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn by its owner"


class Rule(models.Model):
    class Kind(models.TextChoices):
        TERM = "term", "Term"
        REGEX = "regex", "Regular expression"
        NAME = "name", "Context near a person's name (regular expression)"

    class Scope(models.TextChoices):
        WORD = "word", "Whole word"
        SUBSTRING = "substring", "Anywhere (substring)"

    # Text, not a bounded CharField: real-world regexes (word lists, proximity
    # patterns) grow past any fixed length, and PostgreSQL enforces one.
    pattern = models.TextField(
        help_text=(
            "A term is written naturally and normalised like the prompt. A regular "
            "expression is matched against the normalised prompt: lowercase ASCII, "
            "accents removed, repeated letters collapsed to one (write 'kil' for 'kill')."
        ),
    )
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.TERM)
    scope = models.CharField(max_length=12, choices=Scope.choices, default=Scope.WORD)
    category = models.CharField(max_length=32, choices=CATEGORY_CHOICES)
    action = models.CharField(max_length=8, choices=Action.choices, default=Action.FLAG)
    enabled = models.BooleanField(default=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category", "pattern"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.category}: {self.pattern}"

    def clean(self) -> None:
        if self.kind == self.Kind.TERM and not normalise_term(self.pattern).strip():
            raise ValidationError({"pattern": "This term is empty once normalised."})
        if self.kind in (self.Kind.REGEX, self.Kind.NAME):
            self._clean_regex()

    def _clean_regex(self) -> None:
        try:
            compiled = re.compile(self.pattern)
        except re.error as exc:
            raise ValidationError({"pattern": f"Not a valid regular expression: {exc}"}) from exc
        if compiled.search(""):
            raise ValidationError({"pattern": "This expression matches empty text."})
        # Normalised text never holds a doubled letter, so such a regex can never match.
        if re.search(r"(?<!\\)([a-z])\1", self.pattern):
            raise ValidationError(
                {"pattern": "Repeated letters never occur in normalised text: write 'kil'."}
            )


class ProtectedName(models.Model):
    """A real person's name that name rules always recognise (staff edit the list).

    The built-in list knows common first and last names; add here the people an
    audience would target whose names it may miss ("Greta Thunberg"), or a single
    word that names one person on its own ("Obama").
    """

    name = models.CharField(
        max_length=200,
        unique=True,
        help_text="As people write it; matched in every spelling the screening reads.",
    )
    enabled = models.BooleanField(default=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not normalise_term(self.name).strip():
            raise ValidationError({"name": "This name is empty once normalised."})


class Screening(models.Model):
    """One verdict on one piece of text, kept for the record and the review queue."""

    subject_type = models.CharField(max_length=64)
    subject_id = models.BigIntegerField()
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="screenings",
    )
    text = models.TextField()
    normalised = models.TextField(blank=True)
    verdict = models.CharField(max_length=8, choices=Verdict.choices)
    category = models.CharField(max_length=32, blank=True)
    public_category = models.CharField(max_length=64, blank=True)
    public_reason = models.CharField(max_length=300, blank=True)
    matches = models.JSONField(default=list, blank=True)
    classifier_scores = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    review_status = models.CharField(
        max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.NONE
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("review", "Can review held prompts and reported subjects")]
        indexes = [
            models.Index(fields=["review_status", "created_at"]),
            models.Index(fields=["subject_type", "subject_id"]),
            models.Index(fields=["submitter", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.subject_type}:{self.subject_id} {self.verdict}"

    @property
    def subject(self) -> str:
        return f"{self.subject_type}:{self.subject_id}"

    @property
    def category_label(self) -> str:
        return category_label(self.category) if self.category else ""


class ModeratorDecision(models.Model):
    """When a report or an appeal was made, and who decided it, when and why (the
    reason is shown to the artist)."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        abstract = True


class Report(ModeratorDecision):
    """An artist's report that a subject (a community video) breaks the rules."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        HIDDEN = "hidden", "Hidden from the community"
        REMOVED = "removed", "Removed"
        DISMISSED = "dismissed", "Dismissed"

    subject_type = models.CharField(max_length=64)
    subject_id = models.BigIntegerField()
    subject_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports_against",
    )
    subject_text = models.TextField(blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="reports_made"
    )
    reason = models.TextField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["subject_type", "subject_id"]),
        ]
        constraints = [
            # One open report per reporter and subject: reporting twice adds nothing.
            models.UniqueConstraint(
                fields=["reporter", "subject_type", "subject_id"],
                condition=models.Q(status="open"),
                name="moderation_one_open_report_per_reporter",
            )
        ]

    def __str__(self) -> str:
        return f"Report on {self.subject_type}:{self.subject_id} ({self.status})"

    @property
    def subject(self) -> str:
        return f"{self.subject_type}:{self.subject_id}"


class Appeal(ModeratorDecision):
    """An artist's one appeal against a refusal (a blocked or rejected screening)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a moderator"
        GRANTED = "granted", "Granted"
        DENIED = "denied", "Turned down"

    screening = models.OneToOneField(
        Screening, on_delete=models.CASCADE, related_name="appeal"
    )  # one per refusal: an artist appeals once
    appellant = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="appeals"
    )
    message = models.TextField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"Appeal on {self.screening.subject} ({self.status})"
