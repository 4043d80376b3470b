"""Importing the platforms' attendance reports: counts, matching, running twice, the admin upload and hand matching."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from registration.models import Attendance, AttendanceImport
from registration.online.attendance import attendance_import, name_key
from tests.factories import MeetingFactory, RegistrationFactory
from tests.registration.roles import ORGANISERS, user_create

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures" / "attendance"
UPLOAD = reverse("admin:registration_attendance_upload")
CHANGELIST = reverse("admin:registration_attendance_changelist")


@pytest.fixture
def people(meeting):
    """The four registrations the fixtures' reports name, each written differently there."""
    return {
        "jean": RegistrationFactory(
            meeting=meeting, first_name="Jean", last_name="Dupont", email="jean.dupont@interieur.example.fr"
        ),
        "ana": RegistrationFactory(
            meeting=meeting, first_name="Ana", last_name="Đoković", email="ana.dokovic@mfa.example.rs"
        ),
        "maria": RegistrationFactory(
            meeting=meeting, first_name="María", last_name="López", email="maria.lopez@example.es"
        ),
        "ivan": RegistrationFactory(
            meeting=meeting, first_name="Ivan", last_name="Petrov", email="ivan.petrov@example.ru"
        ),
    }


@pytest.fixture
def organiser(meeting):
    return user_create(username="organiser", group=ORGANISERS, teams=[meeting])


def _import(meeting, name):
    return attendance_import(meeting=meeting, content=(FIXTURES / name).read_bytes())


def _state(meeting):
    return sorted(
        Attendance.objects.filter(meeting=meeting).values_list(
            "person_key", "registration_id", "minutes", "unregistered"
        )
    )


@pytest.mark.parametrize(
    ("name", "platform", "counts"),
    [
        ("zoom_meeting_report.csv", "Zoom", (7, 3, 1, 2)),
        ("zoom_participants.csv", "Zoom", (4, 2, 1, 1)),
        ("teams_attendance.csv", "Microsoft Teams", (5, 3, 1, 1)),
        ("teams_legacy_attendance.csv", "Microsoft Teams", (8, 2, 1, 0)),
        ("webex_attendance.csv", "Webex", (7, 3, 2, 1)),
    ],
)
def test_attendance_import_each_platform_counts_and_twice_changes_nothing(meeting, people, name, platform, counts):
    first = _import(meeting, name)
    state = _state(meeting)

    second = _import(meeting, name)

    assert (first.platform, first.read, first.matched, first.unmatched, first.ignored) == (platform, *counts)
    assert not first.already_imported
    assert second.already_imported
    assert (second.read, second.matched, second.unmatched, second.ignored) == counts
    assert _state(meeting) == state
    assert Attendance.objects.filter(meeting=meeting).count() == counts[1] + counts[2]
    assert AttendanceImport.objects.filter(meeting=meeting).count() == 1


def test_attendance_import_matches_email_in_another_case_and_sums_several_joins(meeting, people):
    _import(meeting, "zoom_meeting_report.csv")

    jean = Attendance.objects.get(registration=people["jean"])
    ana = Attendance.objects.get(registration=people["ana"])
    assert jean.minutes == 62 + 115
    # The report's wall-clock times, read in the meeting's time zone.
    assert timezone.localtime(jean.first_join, meeting.tzinfo).strftime("%H:%M") == "08:59"
    assert timezone.localtime(jean.last_leave, meeting.tzinfo).strftime("%H:%M") == "12:00"
    assert ana.email == "Ana.Dokovic@MFA.example.rs"
    # The host on the meeting's line and the empty row are not people.
    assert not Attendance.objects.filter(email__iexact="secretariat@unece.example.org").exists()


def test_attendance_import_matches_by_name_last_first_and_without_accents(meeting, people):
    _import(meeting, "zoom_meeting_report.csv")  # "López, María", no email
    _import(meeting, "zoom_participants.csv")  # "Petrov Ivan", no email

    assert Attendance.objects.get(registration=people["maria"]).name == "López, María"
    assert Attendance.objects.get(registration=people["ivan"]).name == "Petrov Ivan"
    assert name_key("Đoković, Ana") == name_key("ana  DOKOVIC") == name_key("H.E. Ana Đoković")


def test_attendance_import_an_email_not_registered_falls_back_to_the_name(meeting, people):
    _import(meeting, "webex_attendance.csv")

    assert Attendance.objects.get(registration=people["ivan"]).email == "ivan.petrov.private@example.com"


def test_attendance_import_a_second_report_adds_to_the_same_people(meeting, people):
    _import(meeting, "zoom_meeting_report.csv")

    _import(meeting, "zoom_participants.csv")

    maria = Attendance.objects.get(registration=people["maria"])
    assert maria.minutes == 120 + 150
    assert Attendance.objects.filter(registration=people["maria"]).count() == 1


def test_attendance_import_same_name_twice_is_not_guessed(meeting, people):
    RegistrationFactory(meeting=meeting, first_name="María", last_name="López", email="other.maria@example.org")

    _import(meeting, "zoom_meeting_report.csv")

    assert Attendance.objects.get(name="López, María").registration is None


def test_attendance_import_registrations_of_another_meeting_are_never_matched(meeting, people):
    other = MeetingFactory()
    _import(other, "zoom_meeting_report.csv")

    assert not Attendance.objects.filter(meeting=other, registration__isnull=False).exists()
    assert not Attendance.objects.filter(meeting=meeting).exists()


def test_import_attendance_command_prints_the_counts_on_stdout(meeting, people):
    out, err = io.StringIO(), io.StringIO()

    call_command(
        "import_attendance", str(FIXTURES / "teams_attendance.csv"), "--meeting", meeting.slug, stdout=out, stderr=err
    )
    call_command(
        "import_attendance", str(FIXTURES / "teams_attendance.csv"), "--meeting", meeting.slug, stdout=out, stderr=err
    )

    printed = out.getvalue()
    assert "5 rows read, 3 people matched, 1 people not matched, 1 rows ignored" in printed
    assert "already imported" in printed
    assert err.getvalue() == ""


def test_import_attendance_command_refuses_a_file_that_is_no_report(meeting, tmp_path):
    bogus = tmp_path / "notes.csv"
    bogus.write_text("Title,Author\nMinutes,Secretariat\n")

    with pytest.raises(CommandError, match="not an attendance report"):
        call_command("import_attendance", str(bogus), "--meeting", meeting.slug)

    assert not AttendanceImport.objects.exists()


def test_attendance_upload_in_the_admin_imports_and_lists_those_to_match(client, meeting, people, organiser):
    client.force_login(organiser)
    upload = SimpleUploadedFile("report.csv", (FIXTURES / "webex_attendance.csv").read_bytes())

    response = client.post(UPLOAD, {"meeting": meeting.pk, "file": upload}, follow=True)

    assert "7 rows read: 3 people matched, 2 to match by hand, 1 rows ignored." in response.content.decode()
    assert "Unknown Participant" in response.content.decode()
    assert Attendance.objects.filter(meeting=meeting).count() == 5


def test_attendance_upload_of_a_bad_file_says_so_beside_the_field_and_saves_nothing(client, meeting, organiser):
    client.force_login(organiser)
    upload = SimpleUploadedFile("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00binary")

    response = client.post(UPLOAD, {"meeting": meeting.pk, "file": upload})

    assert response.status_code == 200
    assert "not an attendance report from Zoom, Microsoft Teams or Webex" in str(
        response.context["form"].errors["file"]
    )
    assert response.context["form"]["meeting"].value() == str(meeting.pk)
    assert not Attendance.objects.exists() and not AttendanceImport.objects.exists()


def test_attendance_upload_into_another_teams_meeting_is_refused(client, meeting, organiser):
    other = MeetingFactory()
    client.force_login(organiser)
    upload = SimpleUploadedFile("report.csv", (FIXTURES / "zoom_participants.csv").read_bytes())

    response = client.post(UPLOAD, {"meeting": other.pk, "file": upload})

    assert response.status_code == 200
    assert "meeting" in response.context["form"].errors
    assert not Attendance.objects.exists()


def test_attendance_hand_match_in_the_admin_counts_the_person_once(client, meeting, people, organiser):
    _import(meeting, "zoom_meeting_report.csv")  # Ana matched by email, 90 minutes
    caller = Attendance.objects.get(registration__isnull=True)  # the same Ana, dialled in by phone
    client.force_login(organiser)

    response = client.post(
        reverse("admin:registration_attendance_change", args=[caller.pk]), {"registration": people["ana"].pk}
    )

    assert response.status_code == 302
    ana = Attendance.objects.get(registration=people["ana"])
    assert ana.minutes == 90 + 30
    assert not Attendance.objects.filter(pk=caller.pk).exists()


def test_attendance_hand_match_to_another_meetings_registration_is_refused(client, meeting, people, organiser):
    _import(meeting, "zoom_meeting_report.csv")
    caller = Attendance.objects.get(registration__isnull=True)
    stranger = RegistrationFactory(meeting=MeetingFactory())
    client.force_login(organiser)

    response = client.post(
        reverse("admin:registration_attendance_change", args=[caller.pk]), {"registration": stranger.pk}
    )

    assert response.status_code == 200
    assert "registration" in response.context["adminform"].form.errors
    assert Attendance.objects.get(pk=caller.pk).registration is None


def test_attendance_record_unregistered_action(client, meeting, people, organiser):
    _import(meeting, "webex_attendance.csv")
    unmatched = Attendance.objects.filter(registration__isnull=True)
    client.force_login(organiser)

    client.post(
        CHANGELIST,
        {
            "action": "record_unregistered",
            "_selected_action": [str(pk) for pk in unmatched.values_list("pk", flat=True)],
        },
    )

    assert Attendance.objects.filter(unregistered=True).count() == 2


def test_attendance_of_another_teams_meeting_is_not_found_in_the_admin(client, people, meeting):
    other = MeetingFactory()
    _import(meeting, "zoom_meeting_report.csv")
    outsider = user_create(username="outsider", group=ORGANISERS, teams=[other])
    row = Attendance.objects.filter(meeting=meeting).first()
    client.force_login(outsider)

    change = client.get(reverse("admin:registration_attendance_change", args=[row.pk]))
    listing = client.get(CHANGELIST)

    assert change.status_code == 302  # the admin's answer to an id that does not exist: back to the list
    assert "Dupont" not in listing.content.decode()


# Attacks: hostile attendance files.


ZOOM_HEADER = "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest,Language\n"


def _upload(meeting, organiser, content: bytes):
    """The admin upload as a browser posts it; a server error comes back as a 500, not as an exception."""
    client = Client(raise_request_exception=False)
    client.force_login(organiser)
    upload = SimpleUploadedFile("report.csv", content, content_type="text/csv")
    return client.post(UPLOAD, {"meeting": meeting.pk, "file": upload})


def test_attendance_upload_with_an_absurd_duration_is_refused_beside_the_field_not_a_server_error(
    meeting, organiser_of_one_meeting
):
    content = (ZOOM_HEADER + "Eve Hacker,eve@example.org,,,99999999999999999999,No,\n").encode()

    response = _upload(meeting, organiser_of_one_meeting, content)

    assert response.status_code != 500
    assert not AttendanceImport.objects.exists() or Attendance.objects.get().minutes < 100_000


def test_attendance_upload_with_a_join_time_in_year_one_is_no_server_error(meeting, organiser_of_one_meeting):
    content = (
        ZOOM_HEADER + "Eve Hacker,eve@example.org,01/01/0001 12:00:00 AM,01/01/0001 01:00:00 AM,60,No,\n"
    ).encode()

    response = _upload(meeting, organiser_of_one_meeting, content)

    assert response.status_code != 500


def test_attendance_upload_with_a_huge_name_and_language_stores_nothing_longer_than_its_columns(
    meeting, organiser_of_one_meeting
):
    # SQLite stores an over-long text; PostgreSQL refuses it with a DataError, a 500 on the upload.
    content = (
        ZOOM_HEADER + f"{'Eve ' * 400},eve@example.org,,,60,No,{'Français ' * 40}\n{'Bob ' * 400},,,,60,No,\n"
    ).encode()

    response = _upload(meeting, organiser_of_one_meeting, content)

    assert response.status_code in (200, 302)
    for attendance in Attendance.objects.all():
        for name in ("name", "email", "person_key", "channel"):
            field = Attendance._meta.get_field(name)
            assert len(getattr(attendance, name)) <= field.max_length, (attendance.pk, name)


def test_attendance_upload_of_utf16_without_a_byte_order_mark_is_read_or_refused_clearly(
    meeting, organiser_of_one_meeting
):
    content = (ZOOM_HEADER + "Ana Dokovic,ana@example.org,,,60,No,\n").encode("utf-16-le")

    response = _upload(meeting, organiser_of_one_meeting, content)

    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert response.context["form"].errors["file"]


def test_attendance_upload_of_a_field_larger_than_csv_allows_is_refused_beside_the_field(
    meeting, organiser_of_one_meeting
):
    content = (ZOOM_HEADER + f'"{"x" * 200_000}",eve@example.org,,,60,No,\n').encode()

    response = _upload(meeting, organiser_of_one_meeting, content)

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not Attendance.objects.exists()


def test_attendance_names_with_markup_are_shown_as_text_in_the_admin_list(meeting, organiser_of_one_meeting, client):
    content = (ZOOM_HEADER + "<script>alert(1)</script>,,,,60,No,\n").encode()
    _upload(meeting, organiser_of_one_meeting, content)
    client.force_login(organiser_of_one_meeting)

    response = client.get(reverse("admin:registration_attendance_changelist"))

    assert b"<script>alert(1)</script>" not in response.content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in response.content
