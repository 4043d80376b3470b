"""Attendance reports with a NUL byte, of 100,000 lines, imported by the worker, lines set aside (issue 19, Low 9)."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registration.models import Attendance, AttendanceImport, ExportJob
from registration.online.attendance import attendance_import
from registration.online.participation import participation_report_get
from tests.factories import MeetingFactory, RegistrationFactory
from tests.registration.roles import ORGANISERS, user_create

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures" / "attendance"
UPLOAD = reverse("admin:registration_attendance_upload")
CHANGELIST = reverse("admin:registration_attendance_changelist")
ZOOM_HEADER = "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"


def zoom_report(people: int, *, registered: int = 0) -> bytes:
    """A Zoom participants report of `people` lines: the first `registered` by registrants' addresses."""
    lines = [
        f"Person {number},person{number}@example.org,06/02/2026 09:00:00 AM,06/02/2026 10:00:00 AM,60,No\n"
        for number in range(people)
    ]
    return (ZOOM_HEADER + "".join(lines)).encode()


def _state(meeting):
    return sorted(
        Attendance.objects.filter(meeting=meeting).values_list(
            "person_key", "name", "registration__email", "minutes", "unregistered", "ignored"
        )
    )


@pytest.fixture
def organiser(meeting):
    return user_create(username="organiser", group=ORGANISERS, teams=[meeting])


def test_attendance_upload_with_a_nul_byte_in_a_cell_says_so_beside_the_field_and_saves_nothing(
    client, meeting, organiser, tmp_path
):
    content = (ZOOM_HEADER + "Ana\x00 Đoković,ana@example.rs,,,60,No\n").encode()
    client.force_login(organiser)

    response = client.post(UPLOAD, {"meeting": meeting.pk, "file": SimpleUploadedFile("zoom.csv", content)})
    report = tmp_path / "zoom.csv"
    report.write_bytes(content)
    with pytest.raises(CommandError, match="could not be read as a table of text"):
        call_command("import_attendance", str(report), "--meeting", meeting.slug)

    assert response.status_code == 200
    assert "could not be read as a table of text" in str(response.context["form"].errors["file"])
    assert not Attendance.objects.exists() and not AttendanceImport.objects.exists()


def test_attendance_import_of_many_lines_takes_a_fixed_number_of_queries(meeting):
    for number in range(0, 3000, 3):
        RegistrationFactory(meeting=meeting, email=f"person{number}@example.org")

    with CaptureQueriesContext(connection) as first:
        result = attendance_import(meeting=meeting, content=zoom_report(3000))
    with CaptureQueriesContext(connection) as second:
        again = attendance_import(meeting=meeting, content=zoom_report(3000) + b"Late,late@example.org,,,5,No\n")

    for queries in (first, second):
        # The lock, the duplicate check, the registrations, the attendance so far: nothing per person.
        assert sum(query["sql"].startswith("SELECT") for query in queries.captured_queries) == 4
        # Inserts and updates go in batches (1,000 rows on PostgreSQL; SQLite allows fewer per statement).
        assert len(queries) < 3000 / 20
    assert (result.read, result.matched, result.unmatched) == (3000, 1000, 2000)
    assert (again.matched, again.unmatched) == (1000, 2001)
    assert Attendance.objects.filter(meeting=meeting).count() == 3001
    assert Attendance.objects.get(registration__email="person3@example.org").minutes == 120


def test_attendance_upload_larger_than_a_request_is_imported_by_the_worker_with_the_same_result(
    client, meeting, organiser, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.EXPORT_DIR = tmp_path / "exports"
    settings.ATTENDANCE_IMPORT_IN_BACKGROUND_FROM_ROWS = 100
    other = MeetingFactory()
    for number in range(0, 300, 2):
        RegistrationFactory(meeting=meeting, email=f"person{number}@example.org")
        RegistrationFactory(meeting=other, email=f"person{number}@example.org")
    content = zoom_report(300)
    attendance_import(meeting=other, content=content)
    client.force_login(organiser)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(UPLOAD, {"meeting": meeting.pk, "file": SimpleUploadedFile("zoom.csv", content)})
    job = ExportJob.objects.get()
    page = client.get(response["Location"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(UPLOAD, {"meeting": meeting.pk, "file": SimpleUploadedFile("zoom.csv", content)})

    assert response["Location"] == reverse("admin:registration_export_job", args=[job.pk])
    assert job.kind == ExportJob.Kind.ATTENDANCE_IMPORT and job.status == ExportJob.Status.DONE
    assert "300 rows read: 150 people matched, 150 to match by hand, 0 rows ignored." in page.content.decode()
    assert f"state=to_match&amp;meeting__id__exact={meeting.pk}" in page.content.decode().replace(
        f"meeting__id__exact={meeting.pk}&amp;state=to_match", f"state=to_match&amp;meeting__id__exact={meeting.pk}"
    )
    assert [row[1:] for row in _state(meeting)] == [row[1:] for row in _state(other)]
    assert AttendanceImport.objects.filter(meeting=meeting).count() == 1
    assert Attendance.objects.filter(meeting=meeting).count() == 300
    # The report names people: nothing of it stays in the private directory once read.
    assert not any((tmp_path / "exports").iterdir())
    assert client.get(reverse("admin:registration_export_job_file", args=[job.pk])).status_code == 302


def test_attendance_import_job_of_an_organiser_taken_off_the_team_imports_nothing(
    client, meeting, organiser, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.EXPORT_DIR = tmp_path / "exports"
    settings.ATTENDANCE_IMPORT_IN_BACKGROUND_FROM_ROWS = 10
    client.force_login(organiser)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(UPLOAD, {"meeting": meeting.pk, "file": SimpleUploadedFile("zoom.csv", zoom_report(50))})
    meeting.team.remove(organiser)

    for callback in callbacks:
        callback()
    page = client.get(reverse("admin:registration_export_job", args=[ExportJob.objects.get().pk]))

    assert ExportJob.objects.get().status == ExportJob.Status.REFUSED
    assert "you may no longer import attendance into this meeting" in page.content.decode()
    assert not Attendance.objects.exists()
    assert not any((tmp_path / "exports").iterdir())


def test_attendance_upload_form_preselects_the_organisers_only_meeting(client, meeting, organiser):
    MeetingFactory()  # another team's meeting, not offered
    client.force_login(organiser)

    form = client.get(UPLOAD).context["form"]

    assert form["meeting"].value() == meeting.pk
    assert list(form.fields["meeting"].queryset) == [meeting]


def test_attendance_ignored_host_line_is_no_longer_to_match_nor_counted(client, meeting, organiser):
    RegistrationFactory(meeting=meeting, email="person0@example.org")
    attendance_import(meeting=meeting, content=zoom_report(3))  # person0 matched; 1 (the host) and 2 (a room) not
    host_and_room = Attendance.objects.filter(registration__isnull=True)
    client.force_login(organiser)

    client.post(
        CHANGELIST,
        {"action": "ignore", "_selected_action": [str(pk) for pk in host_and_room.values_list("pk", flat=True)]},
    )
    to_match = client.get(CHANGELIST, {"state": "to_match", "meeting__id__exact": meeting.pk})
    report = participation_report_get(meeting=meeting)
    second_session = attendance_import(meeting=meeting, content=zoom_report(3) + b"Late,late@example.org,,,5,No\n")

    assert Attendance.objects.filter(ignored=True).count() == 2
    assert to_match.context["cl"].result_count == 0
    assert report.to_match == 0
    # The next report of the meeting keeps them set aside and finds only the newcomer to match.
    assert (second_session.matched, second_session.unmatched, second_session.ignored) == (1, 1, 2)
    assert Attendance.objects.filter(ignored=True).count() == 2
    assert participation_report_get(meeting=meeting).to_match == 1
