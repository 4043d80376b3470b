"""The site's URLs plus two bare views that measure the framework's ceiling on this machine."""

from django.urls import include, path

from . import views

urlpatterns = [
    path("bench/ok", views.ok),
    path("bench/insert", views.insert),
    path("", include("imrf_event.urls")),
]
