"""Issue 20, section 5: accessibility needs reach those who book the services, and no one else, by name."""

import csv
import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from registration.models import ExportJob
from tests.factories import MeetingFactory, RegistrationFactory
from tests.registration.roles import ORGANISERS, VIEWERS, user_create

pytestmark = pytest.mark.django_db

PAGE = reverse("admin:registration_accessibility")
CSV = reverse("admin:registration_accessibility_export", args=["csv"])
DASHBOARD = reverse("admin:registration_dashboard")
ARRANGE = "registration.arrange_accessibility"


@pytest.fixture
def needs(meeting):
    RegistrationFactory(meeting=meeting, email="plain@example.org")
    RegistrationFactory(
        meeting=meeting, first_name="Ana", last_name="Sign", email="ana@example.org", needs_sign_language=True
    )
    RegistrationFactory(
        meeting=meeting,
        first_name="Ben",
        last_name="Braille",
        email="ben@example.org",
        accessibility_other="Braille agenda",
    )
    RegistrationFactory(meeting=meeting, email="gone@example.org", needs_captions=True, status="cancelled")


def _body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8-sig")


def test_the_permission_exists_and_no_group_has_it():
    permission = Permission.objects.get(content_type__app_label="registration", codename="arrange_accessibility")

    assert not Group.objects.filter(permissions=permission).exists()


@pytest.mark.parametrize("group", [ORGANISERS, VIEWERS])
def test_named_list_and_export_are_refused_without_the_permission(client, meeting, needs, group):
    client.force_login(user_create(username="someone", group=group, teams=[meeting]))

    page = client.get(PAGE, {"meeting": meeting.pk})
    exported = client.get(CSV, {"meeting": meeting.pk})
    dashboard = client.get(DASHBOARD, {"meeting": meeting.pk}).content.decode()

    assert (page.status_code, exported.status_code) == (403, 403)
    assert "ana@example.org" not in dashboard and PAGE not in dashboard


def test_arranger_sees_who_needs_what_and_exports_it(client, meeting, needs):
    client.force_login(user_create(username="arranger", group=ORGANISERS, permissions=[ARRANGE], teams=[meeting]))

    page = client.get(PAGE, {"meeting": meeting.pk}).content.decode()
    rows = list(csv.DictReader(io.StringIO(_body(client.get(CSV, {"meeting": meeting.pk})))))
    dashboard = client.get(DASHBOARD, {"meeting": meeting.pk}).content.decode()

    assert "ana@example.org" in page and "Braille agenda" in page
    assert "plain@example.org" not in page and "gone@example.org" not in page
    assert [(row["email"], row["sign language interpretation"], row["other accessibility needs"]) for row in rows] == [
        ("ben@example.org", "No", "Braille agenda"),
        ("ana@example.org", "Yes", ""),
    ]
    assert PAGE in dashboard


def test_arranger_cannot_reach_another_teams_meeting(client, meeting, needs):
    other = MeetingFactory()
    RegistrationFactory(meeting=other, email="elsewhere@example.org", needs_captions=True)
    client.force_login(user_create(username="arranger", group=ORGANISERS, permissions=[ARRANGE], teams=[meeting]))

    assert client.get(PAGE, {"meeting": other.pk}).status_code == 404
    assert client.get(CSV, {"meeting": other.pk}).status_code == 404
    assert "elsewhere@example.org" not in client.get(PAGE).content.decode()


def test_large_export_goes_through_the_gate_and_is_refused_once_the_permission_is_gone(
    client, meeting, needs, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.EXPORT_DIR = tmp_path / "exports"
    settings.EXPORT_IN_BACKGROUND_FROM_ROWS = 1
    arranger = user_create(username="arranger", group=ORGANISERS, permissions=[ARRANGE], teams=[meeting])
    client.force_login(arranger)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(CSV, {"meeting": meeting.pk})
    job = ExportJob.objects.get()
    arranger.user_permissions.clear()
    download = client.get(reverse("admin:registration_export_job_file", args=[job.pk]))

    assert response["Location"] == reverse("admin:registration_export_job", args=[job.pk])
    assert (job.kind, job.status) == (ExportJob.Kind.ACCESSIBILITY, ExportJob.Status.DONE)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.REFUSED
    assert b"ana@example.org" not in b"".join(getattr(download, "streaming_content", [download.content]))


def test_formula_and_markup_typed_as_a_need_stay_text_in_the_list_and_its_export(client, meeting):
    """Review as an attacker (issue 19): what a participant types as a need reaches the arranger's spreadsheet
    and page; a formula must not run there, and markup must not render."""
    RegistrationFactory(
        meeting=meeting,
        first_name='=HYPERLINK("http://evil.example","x")',
        email="eve@example.org",
        accessibility_other="@SUM(1+1)*cmd|' /C calc'!A0<script>alert(1)</script>",
    )
    client.force_login(user_create(username="arranger", group=ORGANISERS, permissions=[ARRANGE], teams=[meeting]))

    page = client.get(PAGE, {"meeting": meeting.pk}).content.decode()
    (row,) = csv.DictReader(io.StringIO(_body(client.get(CSV, {"meeting": meeting.pk}))))

    assert "<script>alert(1)" not in page
    assert row["other accessibility needs"].startswith("'@SUM")
    assert all(not value.startswith(("=", "+", "-", "@")) for value in row.values())
