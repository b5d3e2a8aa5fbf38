"""The fair queue: which queued job runs next, decided from the Job table.

django-q2 only wakes workers. A worker that receives a task claims the fairest
queued job, which need not be the job named in the task: each queued job was
enqueued once and each task claims at most one job, so no job is left without a
task to run it (and the sweep redelivers any that are).

Fair means round-robin across people: the person whose last job *started*
longest ago (or never) goes next, with their oldest queued job (queue time, then
id). With STAFF_PRIORITY=1, staff are served before everyone else, round-robin
among themselves. The same order gives every queued job its place in line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from access.roles import GROUP_NAMES, Role
from generation.models import Job, JobStatus

NEVER = datetime(1970, 1, 1, tzinfo=UTC)  # "never started a job": first in line
CLAIM_LOCK_KEY = 720_512_001  # pg_advisory_xact_lock key: one fair pick at a time


def _owner_last_start() -> Coalesce:
    """When this job's owner last had a job start (any job, any state)."""
    latest = (
        Job.objects.filter(owner_id=OuterRef("owner_id"), started_at__isnull=False)
        .values("owner_id")
        .annotate(latest=Max("started_at"))
        .values("latest")
    )
    return Coalesce(Subquery(latest), NEVER)


def _owner_is_staff() -> ExpressionWrapper:
    in_staff_group = Exists(
        Group.objects.filter(user=OuterRef("owner_id"), name=GROUP_NAMES[Role.STAFF])
    )
    return ExpressionWrapper(
        Q(owner__is_superuser=True) | in_staff_group, output_field=BooleanField()
    )


def fair_candidates(*, model: str | None = None):  # type: ignore[no-untyped-def]
    """Queued jobs (of `model`, or any), the fairest first. Only the first row is
    meaningful as "next": after it starts, its owner moves to the back."""
    queued = Job.objects.filter(status=JobStatus.QUEUED)
    if model is not None:
        queued = queued.filter(model_name=model)
    queued = queued.annotate(owner_last_start=_owner_last_start())
    order = ["owner_last_start", "queued_at", "pk"]
    if settings.STAFF_PRIORITY:
        queued = queued.annotate(owner_is_staff=_owner_is_staff())
        order.insert(0, "-owner_is_staff")
    return queued.order_by(*order)


def job_pick_next(*, model: str | None = None) -> int | None:
    """The id of the fairest queued job, locked for this transaction.

    Call inside transaction.atomic(). On PostgreSQL an advisory lock serialises
    picks (a claim takes milliseconds) so the next pick sees the previous claim's
    start time and fairness holds across hosts; SKIP LOCKED keeps a row that some
    other transaction holds (a cancel, a sweep) from stalling the pick. On SQLite
    the settings make every transaction IMMEDIATE, which serialises them already.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CLAIM_LOCK_KEY])
        candidates = fair_candidates(model=model).select_for_update(skip_locked=True, of=("self",))
    else:
        candidates = fair_candidates(model=model)
    return candidates.values_list("pk", flat=True).first()


@dataclass(frozen=True)
class _Person:
    staff: bool
    last_start: datetime
    jobs: list[int]


def fair_order(*, model: str | None = None) -> list[int]:
    """Every queued job's id in the order the workers will start them.

    A round-robin over people: round r takes each person's r-th oldest job, people
    in the order of their last start (as `job_pick_next` would pick them); with
    STAFF_PRIORITY staff rounds come first.
    """
    rows = fair_candidates(model=model).values_list("pk", "owner_id", "owner_last_start")
    people: dict[int, _Person] = {}
    staff_ids = _staff_owner_ids() if settings.STAFF_PRIORITY else set()
    for pk, owner_id, last_start in rows:  # already in age order within each person
        person = people.get(owner_id)
        if person is None:
            person = people[owner_id] = _Person(owner_id in staff_ids, last_start, [])
        person.jobs.append(pk)
    order: list[int] = []
    for staff in (True, False):
        group = [p for p in people.values() if p.staff == staff]  # dicts keep pick order
        for round_index in range(max((len(p.jobs) for p in group), default=0)):
            order.extend(p.jobs[round_index] for p in group if round_index < len(p.jobs))
    return order


def _staff_owner_ids() -> set[int]:
    queued = Job.objects.filter(status=JobStatus.QUEUED).annotate(staff=_owner_is_staff())
    return set(queued.filter(staff=True).values_list("owner_id", flat=True))


def queue_position_of(job: Job) -> int | None:
    """1 for the next job to start among jobs of the same model; None unless queued."""
    if job.status != JobStatus.QUEUED:
        return None
    order = fair_order(model=job.model_name)
    try:
        return order.index(job.pk) + 1
    except ValueError:
        return None  # claimed or cancelled since the job was read


def job_claim_next(*, worker: str, model: str | None = None) -> int | None:
    """Claim the fairest queued job for `worker`; returns its id, or None if there is none
    (or the studio is paused: the claim's own UPDATE refuses then)."""
    # Not at the top: generation.tasks imports this module there (job_run claims
    # through it), and job_claim stays with the lease code it shares in tasks.
    from generation.tasks import job_claim

    with transaction.atomic():
        job_id = job_pick_next(model=model)
        if job_id is None or not job_claim(job_id=job_id, worker=worker):
            return None
    return job_id
