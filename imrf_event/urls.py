"""Top-level URLs: the meeting pages, registration and the admin."""

from django.contrib import admin
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from .health import healthz

# A body Django cannot read must not make the 400 page read it again (imrf_event/request_charset.py).
handler400 = "imrf_event.request_charset.bad_request"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    # The language switcher is on every page, and the meeting pages are cached whole for every
    # visitor, so its form cannot carry a per-visitor CSRF token. Forging it would only change a
    # visitor's language, which the visitor can change back.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    # Each app lists its fixed paths before its /<slug>/ ones, and registration's before agenda's,
    # so /register/... is never taken for a meeting called "register".
    path("focal-point/", include("delegations.urls")),
    path("", include("registration.urls")),
    path("", include("documents.urls")),
    path("", include("agenda.urls")),
]
