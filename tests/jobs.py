"""Small builders for Job rows in the states tests need."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from generation.models import Job, JobStatus


def make_user(email: str) -> User:
    return get_user_model().objects.create_user(username=email, email=email, password="pw-123456!x")


def make_job(owner: User, status: str = JobStatus.QUEUED, **fields: Any) -> Job:
    defaults: dict[str, Any] = {
        "prompt": "a lighthouse at dusk, slow pan",
        "width": 64,
        "height": 64,
        "num_frames": 5,
        "fps": 8,
        "steps": 2,
        "guidance": 5.0,
        "seed": 7,
        "model_name": "builtin",
    }
    if status == JobStatus.QUEUED:
        defaults["queued_at"] = timezone.now()
    defaults.update(fields)
    return Job.objects.create(owner=owner, status=status, **defaults)


def csrf_token(client: Client) -> str:
    """The token a browser would post: the studio's create page sets the cookie."""
    client.get(reverse("job_create"))
    return client.cookies["csrftoken"].value
