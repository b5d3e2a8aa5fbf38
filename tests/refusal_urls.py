"""The studio's URLs plus views that call services without the checks a real view
makes first (the owner-only selector, the form), as a view that forgot one would.
tests/test_error_convention.py uses it to show where such a refusal ends up."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path

from generation.api import api_view
from generation.forms import GenerationForm
from generation.models import Job
from generation.services import job_cancel, job_delete, job_submit
from sora_site import urls as studio

handler400 = studio.handler400
handler403 = studio.handler403
handler404 = studio.handler404
handler500 = studio.handler500


def cancel_any(request: HttpRequest, pk: int) -> HttpResponse:
    job_cancel(job=Job.objects.get(pk=pk), by=request.user)  # type: ignore[arg-type]
    return HttpResponse("cancelled")


def delete_any(request: HttpRequest, pk: int) -> HttpResponse:
    job_delete(job=Job.objects.get(pk=pk), by=request.user)  # type: ignore[arg-type]
    return HttpResponse("deleted")


def submit(request: HttpRequest) -> HttpResponse:
    form = GenerationForm({"prompt": "a paper boat on a pond"})
    assert form.is_valid(), form.errors
    job_submit(owner=request.user, submission=form.to_submission())  # type: ignore[arg-type]
    return HttpResponse("submitted")


@api_view("GET", scope="read")
def api_cancel_any(request: HttpRequest, pk: int) -> JsonResponse:
    job_cancel(job=Job.objects.get(pk=pk), by=request.user)  # type: ignore[arg-type]
    return JsonResponse({"cancelled": pk})


@api_view("GET", scope="read")
def api_delete_any(request: HttpRequest, pk: int) -> JsonResponse:
    job_delete(job=Job.objects.get(pk=pk), by=request.user)  # type: ignore[arg-type]
    return JsonResponse({"deleted": pk})


urlpatterns = [
    *studio.urlpatterns,
    path("refusals/cancel/<int:pk>", cancel_any),
    path("refusals/delete/<int:pk>", delete_any),
    path("refusals/submit", submit),
    path("api/refusals/cancel/<int:pk>", api_cancel_any),
    path("api/refusals/delete/<int:pk>", api_delete_any),
]
