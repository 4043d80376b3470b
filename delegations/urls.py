"""The focal points' pages, under /focal-point/ (a path no meeting may take: agenda.models.RESERVED_SLUGS)."""

from django.urls import path

from delegations import views
from registration.urls import SecretTokenConverter  # noqa: F401 - registers the "secret" converter

app_name = "delegations"
urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-in/<secret:token>/", views.sign_in_link, name="sign_in_link"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("start/<int:entity_id>/<int:meeting_id>/", views.delegation_start, name="start"),
    path("delegations/<int:delegation_id>/", views.delegation, name="delegation"),
    path("delegations/<int:delegation_id>/credentials/", views.credentials_upload, name="credentials"),
    path(
        "delegations/<int:delegation_id>/members/<int:member_id>/withdraw/",
        views.member_withdraw,
        name="member_withdraw",
    ),
]
