"""Who reaches what: Organisers, Viewers, staff with no group and non-staff users, and the login rate limit."""

import pytest
from django.urls import reverse

from tests.factories import RegistrationFactory
from tests.registration.roles import ORGANISERS, VIEWERS, user_create

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:registration_registration_changelist")
DASHBOARD = reverse("admin:registration_dashboard")
EXPORT_CSV = reverse("admin:registration_registration_export", args=["csv"])
EXPORT_XLSX = reverse("admin:registration_registration_export", args=["xlsx"])
SPEAKERS_CSV = reverse("admin:registration_registration_speakers", args=["csv"])


def _get(client, url):
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


@pytest.fixture
def registration(meeting):
    return RegistrationFactory(meeting=meeting, first_name="Ђорђе", last_name="Đoković", wishes_to_speak=True)


def test_roles_migration_creates_the_two_groups_with_their_permissions():
    from django.contrib.auth.models import Group

    organisers = Group.objects.get(name=ORGANISERS)
    viewers = Group.objects.get(name=VIEWERS)

    assert {
        "view_registration",
        "change_registration",
        "view_dashboard",
        "export_registrations",
    } <= set(organisers.permissions.values_list("codename", flat=True))
    assert "view_diversity_answers" not in set(organisers.permissions.values_list("codename", flat=True))
    # Viewers see the dashboards' counts only: no registration, and no delegation, which names people.
    assert list(viewers.permissions.values_list("codename", flat=True)) == ["view_dashboard"]


@pytest.mark.parametrize("url", [CHANGELIST, DASHBOARD, EXPORT_CSV, EXPORT_XLSX, SPEAKERS_CSV])
def test_organiser_reaches_list_dashboard_and_exports(client, registration, url):
    client.force_login(user_create(username="organiser", group=ORGANISERS, in_every_team=True))

    response, body = _get(client, url)

    assert response.status_code == 200
    assert len(body) > 0


def test_organiser_opens_and_adds_a_registration_but_cannot_delete(client, registration):
    client.force_login(user_create(username="organiser", group=ORGANISERS, in_every_team=True))

    change = client.get(reverse("admin:registration_registration_change", args=[registration.pk]))
    add = client.get(reverse("admin:registration_registration_add"))
    delete = client.get(reverse("admin:registration_registration_delete", args=[registration.pk]))

    assert change.status_code == 200
    assert "Ђорђе" in change.content.decode()
    assert add.status_code == 200
    assert delete.status_code == 403


def test_viewer_reaches_the_dashboard_only(client, registration):
    client.force_login(user_create(username="viewer", group=VIEWERS, in_every_team=True))

    dashboard, _body = _get(client, DASHBOARD)
    changelist, _ = _get(client, CHANGELIST)
    export, export_body = _get(client, EXPORT_CSV)
    speakers, _ = _get(client, SPEAKERS_CSV)
    change, _ = _get(client, reverse("admin:registration_registration_change", args=[registration.pk]))

    assert dashboard.status_code == 200
    assert (changelist.status_code, export.status_code, speakers.status_code, change.status_code) == (
        403,
        403,
        403,
        403,
    )
    assert "Ђорђе".encode() not in export_body


def test_viewer_finds_the_dashboard_linked_from_the_admin_index(client):
    client.force_login(user_create(username="viewer", group=VIEWERS, in_every_team=True))

    response = client.get(reverse("admin:index"))

    assert response.status_code == 200
    assert DASHBOARD in response.content.decode()


def test_staff_without_a_group_gets_no_dashboard_link_and_a_refusal(client):
    client.force_login(user_create(username="staff"))

    index = client.get(reverse("admin:index"))
    dashboard = client.get(DASHBOARD)

    assert DASHBOARD not in index.content.decode()
    assert dashboard.status_code == 403


@pytest.mark.parametrize("url", [CHANGELIST, DASHBOARD, EXPORT_CSV, EXPORT_XLSX, SPEAKERS_CSV])
def test_non_staff_user_is_sent_to_the_admin_login(client, registration, url):
    client.force_login(user_create(username="participant", is_staff=False, permissions=["registration.view_dashboard"]))

    response, body = _get(client, url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert "Ђорђе".encode() not in body


def test_anonymous_visitor_is_sent_to_the_admin_login(client, registration):
    response = client.get(EXPORT_CSV)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_admin_login_locks_out_after_five_wrong_passwords(client):
    user = user_create(username="organiser", group=ORGANISERS, in_every_team=True)
    user.set_password("correct horse battery staple")
    user.save()
    login = reverse("admin:login")
    for _attempt in range(5):
        client.post(login, {"username": "organiser", "password": "wrong"})

    locked = client.post(login, {"username": "organiser", "password": "correct horse battery staple"})

    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_admin_login_lockout_is_per_username(client):
    for username in ("organiser", "viewer"):
        user = user_create(username=username, group=ORGANISERS, in_every_team=True)
        user.set_password("correct horse battery staple")
        user.save()
    login = reverse("admin:login")
    for _attempt in range(5):
        client.post(login, {"username": "organiser", "password": "wrong"})

    other = client.post(login, {"username": "viewer", "password": "correct horse battery staple"})

    assert other.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
