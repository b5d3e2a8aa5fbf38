from django.contrib import admin
from django.urls import include, path

from sora_site import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("status", views.status_page, name="status"),
    path("accounts/", include("allauth.urls")),
    path("", include("access.urls")),
    path("admin/", admin.site.urls),
    path("", include("generation.urls")),
]
