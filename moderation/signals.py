"""Decisions moderation announces; higher apps (generation) act on them."""

from django.dispatch import Signal

subject_approved = Signal()  # subject_type, subject_id, screening, moderator, reason
subject_rejected = Signal()  # subject_type, subject_id, screening, moderator, reason
subject_hidden = Signal()  # subject_type, subject_id, report, moderator, reason
subject_removed = Signal()  # subject_type, subject_id, report, moderator, reason
# Sent at once, inside the caller's transaction: a subject screened as it is
# created must never be visible, even for the instant before a commit.
subject_held = Signal()  # subject_type, subject_id, screening
appeal_decided = Signal()  # subject_type, subject_id, appeal, granted, reason (on commit)
