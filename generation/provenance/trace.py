"""Which job, and so which account, made this file? C2PA first, else the watermark.

Every trace is an audit event, whatever it finds. Only staff may trace (the
command is the operator's; the admin page checks the role).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from access.audit import audit_record
from generation.models import Job, Video
from generation.provenance.c2pa import ProvenanceError, c2pa_read
from generation.provenance.ids import job_id_from_public
from generation.provenance.watermark import WatermarkError, watermark_detect

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import HttpRequest

TRUSTED_STATES = {"Valid", "Trusted"}


@dataclass(frozen=True)
class Trace:
    job: Job | None
    method: str | None  # "c2pa" or "watermark"
    confidence: float
    note: str  # what was tried, for a person

    def as_json(self) -> dict[str, Any]:
        job = self.job
        return {
            "job": job.pk if job else None,
            "user": job.owner.email if job else None,
            "created_at": job.created_at.isoformat() if job else None,
            "method": self.method,
            "confidence": round(self.confidence, 4),
        }


def sniff_mime(head: bytes) -> str | None:
    """The media type from the first bytes, or None when it is not one we can read."""
    if head[4:8] == b"ftyp":
        return "video/mp4"
    if head[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "video/webm"
    return None


def _by_manifest(data: bytes, mime: str) -> tuple[Job | None, str]:
    if mime not in ("video/mp4", "image/jpeg", "image/png"):
        return None, "no C2PA reader for this format"
    try:
        facts = c2pa_read(data=data, mime=mime)
    except ProvenanceError as exc:  # our own chain is unreadable: say so, try the watermark
        return None, str(exc)
    if facts is None:
        return None, "no C2PA manifest of ours"
    if facts.validation_errors or facts.validation_state not in TRUSTED_STATES:
        problems = "; ".join(facts.validation_errors) or facts.validation_state
        return None, f"C2PA manifest present but not valid ({problems})"
    job_id = job_id_from_public(facts.job_public_id)
    job = Job.objects.select_related("owner").filter(pk=job_id).first() if job_id else None
    if job is None:
        return None, "C2PA manifest names no job of this site"
    return job, "C2PA manifest valid"


def _by_watermark(path: Path) -> tuple[Job | None, float, str]:
    # Informed detection: the candidates are every job that has a stored video.
    candidates = list(Video.objects.order_by("job_id").values_list("job_id", flat=True))
    try:
        found = watermark_detect(path=path, candidates=candidates)
    except WatermarkError as exc:
        return None, 0.0, str(exc)
    if found is None:
        return None, 0.0, f"no watermark found (tested {len(candidates)} jobs)"
    job = Job.objects.select_related("owner").filter(pk=found.job_id).first()
    if job is None:
        return None, 0.0, f"watermark names job {found.job_id}, which no longer exists"
    return job, found.confidence, f"watermark found at scale {found.scale:.3f}"


def file_trace(
    *, path: Path, name: str, by: User | None, request: HttpRequest | None = None
) -> Trace:
    """Trace one file and record the attempt in the audit log."""
    data = path.read_bytes()
    mime = sniff_mime(data[:16])
    notes: list[str] = []
    result = Trace(None, None, 0.0, "")
    if mime is None:
        notes.append("not an MP4, WebM, JPEG or PNG file")
    else:
        job, note = _by_manifest(data, mime)
        notes.append(note)
        if job is not None:
            result = Trace(job, "c2pa", 1.0, note)
        else:
            job, confidence, note = _by_watermark(path)
            notes.append(note)
            if job is not None:
                result = Trace(job, "watermark", confidence, note)
    result = Trace(result.job, result.method, result.confidence, "; ".join(notes))
    audit_record(
        action="provenance.trace",
        actor=by,
        target=name,
        request=request,
        details={**result.as_json(), "size_bytes": len(data), "note": result.note},
    )
    return result
