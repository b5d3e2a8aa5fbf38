from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from access.selectors import site_state
from sora_site.health import run_checks


@login_not_required  # public: load balancers and operators poll it
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = run_checks()
    healthy = all(result["ok"] for result in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unhealthy", "checks": checks},
        status=200 if healthy else 503,
    )


@login_not_required  # public: anyone may see whether the service is running
@never_cache
@require_GET
def status_page(request: HttpRequest) -> HttpResponse:
    """Running or paused, since when and why: read fresh (at most 1 s old) on every load."""
    return render(request, "status.html", {"state": site_state()})


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's handler500: our page, rendered without context processors (they read
    the database, which may be what failed), naming the site as configured."""
    html = render_to_string("500.html", {"site_name": settings.SITE_NAME})
    return HttpResponseServerError(html)
