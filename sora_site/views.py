import ipaddress

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST

from access.audit import client_ip
from access.roles import is_staff_member
from access.selectors import site_state
from access.services import token_authenticate
from access.tokens import TokenError, bearer_token
from sora_site.health import run_checks
from sora_site.metrics import metrics_networks, metrics_render


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


@login_not_required  # not a page: Prometheus scrapes it, allowed by address or staff token
@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """METRICS_ALLOW addresses, or a staff member's API token (scope read); 403 otherwise."""
    if not metrics_allowed(request):
        return HttpResponse(
            "Metrics are served only to METRICS_ALLOW addresses or with a staff API token.\n",
            status=403,
            content_type="text/plain",
        )
    return HttpResponse(metrics_render(), content_type=CONTENT_TYPE_LATEST)


def metrics_allowed(request: HttpRequest) -> bool:
    ip = client_ip(request)  # believes X-Forwarded-For only from TRUSTED_PROXIES
    allowed = metrics_networks(tuple(settings.METRICS_ALLOW))
    if ip is not None and any(ipaddress.ip_address(ip) in net for net in allowed):
        return True
    raw = bearer_token(request)
    if raw is None:
        return False
    try:
        token = token_authenticate(
            raw=raw, scope="read", ip=ip, user_agent=request.headers.get("User-Agent", "")
        )
    except TokenError:
        return False
    return is_staff_member(token.user)


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's handler500: our page, rendered without context processors (they read
    the database, which may be what failed), naming the site as configured."""
    html = render_to_string("500.html", {"site_name": settings.SITE_NAME})
    return HttpResponseServerError(html)
