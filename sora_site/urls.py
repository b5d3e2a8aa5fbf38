from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from sora_site import views

admin.site.site_header = f"{settings.SITE_NAME} administration"
admin.site.site_title = f"{settings.SITE_NAME} admin"
admin.site.index_title = "Moderation, access and jobs"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("status", views.status_page, name="status"),
    path("metrics", views.metrics, name="metrics"),
    path("accounts/", include("allauth.urls")),
    path("", include("access.urls")),
    path("admin/", admin.site.urls),
    path("", include("generation.urls")),
]

# Errors outside a view's own checks: JSON with a stable code under /api/, an
# error id in the page and the log for anything unexpected (sora_site/errors.py).
handler400 = "sora_site.errors.bad_request"
handler403 = "sora_site.errors.permission_denied"
handler404 = "sora_site.errors.not_found"
handler500 = "sora_site.errors.server_error"
