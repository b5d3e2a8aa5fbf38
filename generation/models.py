"""Jobs and videos. The Job table is the truth; django-q2 is only the transport.

Every status change is one conditional UPDATE (see generation/transitions.py), so
two processes can never both move the same job.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from access.roles import Role
from generation.params import DEFAULT_DTYPE, DEFAULT_OFFLOAD, DTYPES, OFFLOADS, GenerationParams


class JobStatus(models.TextChoices):
    SCREENING = "screening", "Screening"
    HELD = "held", "Held for review"
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    REJECTED = "rejected", "Rejected"
    CANCELLED = "cancelled", "Cancelled"
    PAUSED = "paused", "Paused"


ACTIVE_STATUSES = frozenset(
    {JobStatus.SCREENING, JobStatus.HELD, JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.PAUSED}
)
CANCELLABLE_STATUSES = ACTIVE_STATUSES

# How other apps name a job or a video: moderation stores (subject_type, subject_id)
# and the audit log a target, and neither may import generation. Kept here, at the
# bottom of generation's own imports, so services, receivers and retention all share it.
JOB_SUBJECT = "generation.job"
VIDEO_SUBJECT = "generation.video"


class Job(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs"
    )
    status = models.CharField(
        max_length=16, choices=JobStatus.choices, default=JobStatus.SCREENING, db_index=True
    )
    batch = models.UUIDField(
        default=uuid.uuid4, db_index=True, help_text="Variations share a batch"
    )
    variation = models.PositiveSmallIntegerField(default=1)

    prompt = models.TextField()
    negative_prompt = models.TextField(blank=True)
    aspect = models.CharField(max_length=8, default="16:9")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    num_frames = models.PositiveIntegerField()
    fps = models.PositiveIntegerField()
    steps = models.PositiveIntegerField()
    guidance = models.FloatField()
    seed = models.BigIntegerField()
    seed_was_random = models.BooleanField(default=False)
    model_name = models.CharField(max_length=255)
    adjustments = models.JSONField(default=list, blank=True)
    # Set when the owner deletes the job: its media are gone from storage, the row
    # stays (provenance: a watermark found later must still lead to an account).
    deleted_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # The step of the latest stored preview (generation/previews.py); None before the first.
    preview_step = models.PositiveIntegerField(null=True, blank=True)
    # The video this job's settings came from (the remix page), for "most remixed".
    remix_of = models.ForeignKey(
        "generation.Video",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="remixes",
    )

    # Moderation outcome, as safe to show the artist (never rule internals).
    moderation_category = models.CharField(max_length=64, blank=True)
    moderation_reason = models.TextField(blank=True)

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    status_changed_at = models.DateTimeField(auto_now_add=True)
    queued_at = models.DateTimeField(null=True, blank=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)

    progress_step = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    progress_at = models.DateTimeField(null=True, blank=True)
    # When step 1 ended: the step pace is measured from here, so the model load and
    # prompt encoding before it do not inflate the running ETA.
    first_step_at = models.DateTimeField(null=True, blank=True)

    lease_owner = models.CharField(max_length=128, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    attempts = models.PositiveIntegerField(default=0)

    error = models.TextField(blank=True, help_text="What went wrong, for the artist")
    gpu_seconds = models.FloatField(null=True, blank=True)
    # Seconds per phase of the worker's run (generation/timing.py), for bench/.
    timings = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "status"]),
            # The fair queue asks for each person's latest start (generation/queue.py).
            models.Index(fields=["owner", "started_at"]),
            models.Index(fields=["status", "model_name", "queued_at"]),
        ]

    def __str__(self) -> str:
        return f"Job {self.pk} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def duration_seconds(self) -> float:
        return self.num_frames / self.fps if self.fps else 0.0

    def params(self) -> GenerationParams:
        """The pipeline parameters this job runs with (and a remix starts from)."""
        return GenerationParams(
            prompt=self.prompt,
            negative_prompt=self.negative_prompt,
            num_frames=self.num_frames,
            width=self.width,
            height=self.height,
            steps=self.steps,
            guidance=self.guidance,
            seed=self.seed,
            fps=self.fps,
        )


def video_upload_path(instance: Video, filename: str) -> str:
    # Random names: even a leaked storage listing reveals no prompt or owner name.
    return f"videos/{instance.owner_id}/{uuid.uuid4().hex}/{filename}"


class Video(models.Model):
    job = models.OneToOneField(Job, on_delete=models.CASCADE, related_name="video")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="videos"
    )
    file = models.FileField(upload_to=video_upload_path, max_length=255)
    poster = models.FileField(upload_to=video_upload_path, max_length=255)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    num_frames = models.PositiveIntegerField()
    fps = models.PositiveIntegerField()
    duration_seconds = models.FloatField()
    size_bytes = models.PositiveBigIntegerField()
    seed = models.BigIntegerField()
    model_name = models.CharField(max_length=255)
    gpu_seconds = models.FloatField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    shared = models.BooleanField(default=False, help_text="Shown in the community gallery")
    shared_at = models.DateTimeField(null=True, blank=True)
    hidden = models.BooleanField(
        default=False, help_text="Hidden from the community by a moderator"
    )
    hidden_reason = models.TextField(blank=True)
    removed = models.BooleanField(default=False, help_text="Removed by a moderator")
    held = models.BooleanField(
        default=False,
        help_text="Held for review by the frame screening: only its owner (as a notice) "
        "and moderators see it until a moderator decides",
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Video {self.pk} of job {self.job_id}"

    @property
    def in_community(self) -> bool:
        return self.shared and not self.hidden and not self.removed and not self.held

    @property
    def author_name(self) -> str:
        """What the community sees of who made it: a name, never the email address."""
        owner = self.owner
        return owner.get_full_name() or owner.username


class ModelEntry(models.Model):
    """One model of the staff's catalogue. A worker cluster serves one entry
    (`WORKER_MODEL=<name>`); jobs submitted for it carry its name."""

    name = models.SlugField(
        max_length=64, unique=True, help_text="Short name workers are started with (--model)"
    )
    source = models.CharField(
        max_length=500,
        help_text="Hugging Face Hub id, local folder saved with save_pretrained, "
        "'builtin', or 'simulated:<seconds>' (scale tests only)",
    )
    display_name = models.CharField(max_length=100)
    dtype = models.CharField(
        max_length=16,
        default=DEFAULT_DTYPE,
        choices=[(d, d) for d in DTYPES],
    )
    offload = models.CharField(
        max_length=16,
        default=DEFAULT_OFFLOAD,
        choices=[(o, o) for o in OFFLOADS],
    )
    roles = models.JSONField(
        default=list,
        blank=True,
        help_text='Roles that may use it, e.g. ["artist", "staff"]; empty means everyone',
    )
    enabled = models.BooleanField(default=True)

    class Meta:
        ordering = ["display_name"]
        verbose_name = "catalogue model"

    def __str__(self) -> str:
        return f"{self.display_name} ({self.name})"

    def clean(self) -> None:
        if not isinstance(self.roles, list) or set(self.roles) - set(Role.values):
            raise ValidationError(
                {"roles": f"A list of roles from {', '.join(Role.values)}, or [] for everyone."}
            )

    def allows(self, role: str | None) -> bool:
        return not self.roles or role in self.roles


class Worker(models.Model):
    """A worker process announcing itself; alive while its heartbeat is recent."""

    name = models.CharField(max_length=128, unique=True, help_text="host:pid")
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    device = models.CharField(max_length=64, blank=True)
    model_name = models.CharField(max_length=255, help_text="The model it serves")
    current_job = models.ForeignKey(
        Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    heartbeat_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["model_name", "host", "pid"]

    def __str__(self) -> str:
        return self.name
