"""Top-level URLs: the meeting pages, registration and the admin."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("register/", include("registration.urls")),
    path("", include("agenda.urls")),
]
