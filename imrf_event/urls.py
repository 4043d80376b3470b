"""Top-level URLs: the meeting pages, registration and the admin."""

from django.contrib import admin
from django.urls import include, path

from .health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("register/", include("registration.urls")),
    path("", include("agenda.urls")),
]
