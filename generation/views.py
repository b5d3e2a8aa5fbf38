"""Pages for artists: create, follow a job, galleries, a video, its media.

Every view needs a signed-in user (LoginRequiredMiddleware); each says who else
it admits. Jobs and videos are fetched only through generation/selectors.py,
which answers 404 for anything the viewer may not see.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.db.models.fields.files import FieldFile
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)

from access.policy import QUOTA_RESETS, generation_blocker, limits_for, quota_remaining
from access.roles import is_staff_member
from generation import selectors
from generation.forms import GenerationForm, remix_initial
from generation.media import ranged_file_response
from generation.models import VIDEO_SUBJECT, JobStatus, Video
from generation.params import MIN_FRAMES, caps_for
from generation.previews import preview_name
from generation.progress import job_snapshot, refusal_subject
from generation.retention import storage_cap_bytes, storage_used
from generation.services import (
    DeleteRefused,
    SubmissionRefused,
    job_cancel,
    job_delete,
    job_remix_record,
    job_submit,
    usage_for,
    video_share_set,
)
from moderation.selectors import refusal_for_subject
from moderation.services import AppealRefused, appeal_create, report_create


def signed_in(request: HttpRequest) -> User:
    """The signed-in user (LoginRequiredMiddleware already sent anyone else to log in)."""
    user = request.user
    if not user.is_authenticated:
        raise PermissionDenied
    return user


def paginate(request: HttpRequest, items: QuerySet[Any]) -> Page:
    return Paginator(items, settings.GALLERY_PAGE_SIZE).get_page(request.GET.get("page"))


def budget_for(user: User) -> dict[str, Any]:
    """Seconds of video left today, and why Generate is off (if it is), for the create page."""
    usage = usage_for(user)
    blocker = generation_blocker(user, usage=usage)
    return {
        "remaining": round(quota_remaining(user, seconds_today=usage.seconds_today), 1),
        "daily": limits_for(user).daily_seconds,
        "resets": QUOTA_RESETS,
        "active_jobs": usage.active_jobs,
        "blocked": blocker.reason if blocker else "",
        "blocked_code": blocker.code if blocker else "",
        "pause_exempt": is_staff_member(user),
    }


def clip_hints() -> dict[str, int]:
    """What form.js needs to show "33 frames · 4.1 s" as the person types: the same
    rounding the server applies (params.allowed_frames)."""
    caps = caps_for(settings.GENERATION_MODEL)
    return {
        "fps": settings.GENERATION_FPS,
        "frame_multiple": caps.frame_multiple,
        "min_frames": MIN_FRAMES,
        "max_frames": min(caps.max_frames, settings.GENERATION_MAX_FRAMES),
        "default_frames": settings.GENERATION_DEFAULT_FRAMES,
    }


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Signed-in people: the front page is the create form."""
    return redirect("job_create")


@require_http_methods(["GET", "POST"])
def job_create(request: HttpRequest) -> HttpResponse:
    """Signed-in people. Whether they may generate now is access's decision
    (revoked, paused site, quota), asked inside job_submit."""
    form = GenerationForm(request.POST or None, models=selectors.models_usable_by(request.user))
    remix_of = _remix_source(request)
    status = 200
    retry_after: int | None = None
    if request.method == "POST" and form.is_valid():
        submission = form.to_submission()
        try:
            jobs = job_submit(owner=signed_in(request), submission=submission)
        except SubmissionRefused as refused:
            form.add_error(None, refused.decision.reason)
            status = refused.decision.status
            retry_after = refused.decision.retry_after
        else:
            if remix_of is not None:
                job_remix_record(jobs=jobs, video=remix_of)
            for note in submission.adjustments:
                messages.info(request, note)
            if len(jobs) == 1:
                return redirect("job_detail", pk=jobs[0].pk)
            messages.success(request, f"Started {len(jobs)} variations.")
            return redirect("my_videos")
    elif request.method == "POST":
        status = 400
    context = {
        "form": form,
        "remix_of": remix_of,
        "budget": budget_for(signed_in(request)),
        "clip": clip_hints(),
    }
    response = render(request, "generation/create.html", context, status=status)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


def _remix_source(request: HttpRequest) -> Video | None:
    """The video a remix form came from (its hidden field), if this person may see it;
    a stale or foreign id is ignored rather than refused: the job is still theirs."""
    raw = request.POST.get("remix_of", "") if request.method == "POST" else ""
    if not raw.isdigit():
        return None
    try:
        return selectors.video_get_for_user(request.user, int(raw))
    except Http404:
        return None


@require_GET
def video_remix(request: HttpRequest, pk: int) -> HttpResponse:
    """Anyone who may see the video: the create form, prefilled with its settings."""
    video = selectors.video_get_for_user(request.user, pk)
    form = GenerationForm(
        initial=remix_initial(video.job), models=selectors.models_usable_by(request.user)
    )
    context = {
        "form": form,
        "remix_of": video,
        "budget": budget_for(signed_in(request)),
        "clip": clip_hints(),
    }
    return render(request, "generation/create.html", context)


@never_cache
@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's owner only."""
    job = selectors.job_get_for_user(request.user, pk)
    job.batch_size = selectors.batch_size_of(job)  # type: ignore[attr-defined]
    context = {"job": job, "snapshot": job_snapshot(job), "resubmittable": RESUBMIT_STATUSES}
    return render(request, "generation/job_detail.html", context)


@never_cache
@require_GET
def job_status(request: HttpRequest, pk: int) -> JsonResponse:
    """The job's owner only: the same snapshot the websocket sends (polling fallback)."""
    job = selectors.job_get_for_user(request.user, pk)
    return JsonResponse(job_snapshot(job))


@require_POST
def job_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's owner only, for a job that has not finished."""
    job = selectors.job_get_for_user(request.user, pk)
    if job_cancel(job=job, by=signed_in(request)):
        messages.success(request, "Cancelled.")
    else:
        messages.warning(request, "This job had already finished, so there was nothing to cancel.")
    return redirect("job_detail", pk=job.pk)


@require_POST
def job_appeal(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's owner only: appeal its refusal (the prompt's, or the video's) once."""
    job = selectors.job_get_for_user(request.user, pk)
    subject = refusal_subject(job)
    screening = (
        refusal_for_subject(subject_type=subject[0], subject_id=subject[1]) if subject else None
    )
    try:
        appeal_create(
            screening=screening,
            appellant=signed_in(request),
            message=request.POST.get("message", ""),
        )
    except AppealRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Appeal sent: a moderator will decide, and you will see it here.")
    return redirect("job_detail", pk=job.pk)


RESUBMIT_STATUSES = frozenset(
    {JobStatus.CANCELLED, JobStatus.FAILED, JobStatus.HELD, JobStatus.REJECTED}
)


@require_GET
def my_videos(request: HttpRequest) -> HttpResponse:
    """Signed-in people: their own jobs (running, finished, refused), newest first;
    ?status= narrows them (see selectors.JOB_FILTERS)."""
    status_filter = request.GET.get("status", "")
    if status_filter not in selectors.JOB_FILTERS:
        status_filter = ""
    page = paginate(request, selectors.jobs_of(request.user, status_filter=status_filter))
    context = {
        "page": page,
        "filters": {key: label for key, (label, _) in selectors.JOB_FILTERS.items()},
        "status_filter": status_filter,
        "page_query": f"status={status_filter}&" if status_filter else "",
        "storage": {
            "used": storage_used(owner_id=signed_in(request).pk),
            "cap": storage_cap_bytes(),
        },
    }
    return render(request, "generation/my_videos.html", context)


@require_GET
def job_resubmit(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's owner, for a job that did not make a video (cancelled, failed, held,
    rejected): the create form with its settings, to edit and submit again."""
    job = selectors.job_get_for_user(request.user, pk)
    if job.status not in RESUBMIT_STATUSES:
        raise Http404("Only a cancelled, failed, held or rejected job can be resubmitted")
    context = {
        "form": GenerationForm(
            initial=remix_initial(job), models=selectors.models_usable_by(request.user)
        ),
        "resubmit_of": job,
        "budget": budget_for(signed_in(request)),
        "clip": clip_hints(),
    }
    return render(request, "generation/create.html", context)


@require_POST
def job_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's owner only: delete a finished job and its video."""
    job = selectors.job_get_for_user(request.user, pk)
    try:
        job_delete(job=job, by=signed_in(request), request=request)
    except DeleteRefused as refused:
        messages.warning(request, refused.message)
        return redirect("job_detail", pk=job.pk)
    messages.success(request, f"Deleted job #{job.pk} and its video.")
    return redirect("my_videos")


BULK_ACTIONS = {"delete", "share", "unshare"}


@require_POST
def videos_bulk(request: HttpRequest) -> HttpResponse:
    """Signed-in people, on their own jobs only (others' ids are ignored): delete,
    share or unshare the ones ticked in My videos."""
    user = signed_in(request)
    action = request.POST.get("action", "")
    ids = [int(raw) for raw in request.POST.getlist("job") if raw.isdigit()][:200]
    back = redirect(reverse("my_videos") + _status_query(request.POST.get("status", "")))
    if action not in BULK_ACTIONS or not ids:
        messages.error(request, "Tick at least one video, then choose what to do with it.")
        return back
    jobs = list(selectors.jobs_of(user).filter(pk__in=ids))
    done, skipped = _bulk_apply(request, user, action, jobs)
    verb = {"delete": "Deleted", "share": "Shared", "unshare": "Stopped sharing"}[action]
    note = f"{verb} {done}." + (f" {skipped} could not be: {BULK_SKIP[action]}" if skipped else "")
    messages.success(request, note)
    return back


BULK_SKIP = {
    "delete": "unfinished jobs must be cancelled first.",
    "share": "only finished videos can be shared.",
    "unshare": "only finished videos are shared.",
}


def _status_query(status_filter: str) -> str:
    return (
        f"?status={status_filter}"
        if status_filter in selectors.JOB_FILTERS and status_filter
        else ""
    )


def _bulk_apply(request: HttpRequest, user: User, action: str, jobs: list[Any]) -> tuple[int, int]:
    done = 0
    for job in jobs:
        if action == "delete":
            try:
                done += job_delete(job=job, by=user, request=request)
            except DeleteRefused:
                continue
        elif getattr(job, "video", None) is not None:
            video_share_set(video=job.video, by=user, shared=action == "share")
            done += 1
    return done, len(jobs) - done


@require_GET
def community(request: HttpRequest) -> HttpResponse:
    """Signed-in people: videos their owners shared and no moderator hid."""
    search = request.GET.get("q", "").strip()[:200]
    sort = request.GET.get("sort", "newest")
    if sort not in selectors.COMMUNITY_SORTS:
        sort = "newest"
    page = paginate(request, selectors.community_videos(search=search, sort=sort))
    query = urlencode({k: v for k, v in (("q", search), ("sort", sort)) if v and v != "newest"})
    context = {
        "page": page,
        "q": search,
        "sort": sort,
        "sorts": selectors.COMMUNITY_SORTS,
        "page_query": f"{query}&" if query else "",
    }
    return render(request, "generation/community.html", context)


@require_GET
def video_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The owner; others if it is shared and visible; moderators (generation.view_video)."""
    video = selectors.video_get_for_user(request.user, pk)
    context = {
        "video": video,
        "job": video.job,
        "is_owner": video.owner_id == request.user.pk,
        "playable": (not video.removed and not video.held)
        or request.user.has_perm(selectors.MODERATOR_PERM),
        "can_report": video.owner_id != request.user.pk,
    }
    return render(request, "generation/video_detail.html", context)


@require_POST
def video_share(request: HttpRequest, pk: int) -> HttpResponse:
    """The video's owner only: shared=1 shows it in the community gallery, 0 takes it out."""
    video = selectors.video_get_for_user(request.user, pk, owner_only=True)
    shared = request.POST.get("shared") == "1"
    video_share_set(video=video, by=signed_in(request), shared=shared)
    if shared and (video.hidden or video.removed):
        messages.warning(
            request, "Shared, but a moderator hid this video, so others cannot see it."
        )
    else:
        messages.success(request, "Shared with the community." if shared else "No longer shared.")
    return redirect("video_detail", pk=video.pk)


@require_POST
def video_report(request: HttpRequest, pk: int) -> HttpResponse:
    """Anyone who may see the video, except its owner: report it to the moderators."""
    video = selectors.video_get_for_user(request.user, pk)
    if video.owner_id == request.user.pk:
        return redirect("video_detail", pk=video.pk)
    reason = request.POST.get("reason", "").strip()[:2000]
    if not reason:
        messages.error(request, "Say briefly what is wrong with this video.")
        return redirect("video_detail", pk=video.pk)
    report_create(
        reporter=signed_in(request),
        subject_type=VIDEO_SUBJECT,
        subject_id=video.pk,
        reason=reason,
        subject_owner=video.owner,
        subject_text=video.job.prompt,
    )
    messages.success(request, "Thank you. A moderator will look at it.")
    return redirect("video_detail", pk=video.pk)


def stored_name(field: FieldFile) -> str:
    if not field.name:
        raise Http404("This video has no stored file")
    return field.name


@require_safe
def video_media(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Whoever may see the video (not a removed one, except moderators): the MP4, ranged.
    ?download=1 sends it as an attachment."""
    video = selectors.video_get_for_user(request.user, pk, playable=True)
    download = f"video-{video.pk}.mp4" if request.GET.get("download") else ""
    return ranged_file_response(
        request, default_storage, stored_name(video.file), "video/mp4", download_name=download
    )


@never_cache
@require_safe
def job_preview(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The job's owner only: the latest latent preview (JPEG) while it runs."""
    job = selectors.job_get_for_user(request.user, pk)
    if not job.preview_step:
        raise Http404("No preview yet")
    return ranged_file_response(request, default_storage, preview_name(job.pk), "image/jpeg")


@require_safe
def video_poster(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Whoever may see the video (not a removed one, except moderators): the poster JPEG."""
    video = selectors.video_get_for_user(request.user, pk, playable=True)
    return ranged_file_response(request, default_storage, stored_name(video.poster), "image/jpeg")
