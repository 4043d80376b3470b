"""An attacker's review of issues 12 and 14 as merged: each test performs one attack and asserts the safe outcome."""

import datetime

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from mailings.models import Mailing
from registration.models import Attendance, AttendanceImport, OutgoingEmail
from tests.factories import FloorDecisionFactory, JoiningDetailsFactory, MeetingFactory, RegistrationFactory
from tests.registration.roles import ORGANISERS, user_create

pytestmark = pytest.mark.django_db

UPLOAD = reverse("admin:registration_attendance_upload")
ZOOM_HEADER = "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest,Language\n"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def meeting(db):
    return MeetingFactory()


@pytest.fixture
def other_meeting(db):
    return MeetingFactory()


@pytest.fixture
def organiser(meeting, other_meeting):
    # Organiser of meeting A only: rights through Meeting.team.
    return user_create(username="organiser-a", group=ORGANISERS, teams=[meeting])


def _upload(meeting, organiser, content: bytes):
    """The admin upload as a browser posts it; a server error comes back as a 500, not as an exception."""
    client = Client(raise_request_exception=False)
    client.force_login(organiser)
    upload = SimpleUploadedFile("report.csv", content, content_type="text/csv")
    return client.post(UPLOAD, {"meeting": meeting.pk, "file": upload})


# Attendance upload: hostile files.


def test_attendance_upload_with_an_absurd_duration_is_refused_beside_the_field_not_a_server_error(meeting, organiser):
    content = (ZOOM_HEADER + "Eve Hacker,eve@example.org,,,99999999999999999999,No,\n").encode()

    response = _upload(meeting, organiser, content)

    assert response.status_code != 500
    assert not AttendanceImport.objects.exists() or Attendance.objects.get().minutes < 100_000


def test_attendance_upload_with_a_join_time_in_year_one_is_no_server_error(meeting, organiser):
    content = (
        ZOOM_HEADER + "Eve Hacker,eve@example.org,01/01/0001 12:00:00 AM,01/01/0001 01:00:00 AM,60,No,\n"
    ).encode()

    response = _upload(meeting, organiser, content)

    assert response.status_code != 500


def test_attendance_upload_with_a_huge_name_and_language_stores_nothing_longer_than_its_columns(meeting, organiser):
    # SQLite stores an over-long text; PostgreSQL refuses it with a DataError, a 500 on the upload.
    content = (
        ZOOM_HEADER + f"{'Eve ' * 400},eve@example.org,,,60,No,{'Français ' * 40}\n{'Bob ' * 400},,,,60,No,\n"
    ).encode()

    response = _upload(meeting, organiser, content)

    assert response.status_code in (200, 302)
    for attendance in Attendance.objects.all():
        for name in ("name", "email", "person_key", "channel"):
            field = Attendance._meta.get_field(name)
            assert len(getattr(attendance, name)) <= field.max_length, (attendance.pk, name)


def test_attendance_upload_of_utf16_without_a_byte_order_mark_is_read_or_refused_clearly(meeting, organiser):
    content = (ZOOM_HEADER + "Ana Dokovic,ana@example.org,,,60,No,\n").encode("utf-16-le")

    response = _upload(meeting, organiser, content)

    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert response.context["form"].errors["file"]


def test_attendance_upload_of_a_field_larger_than_csv_allows_is_refused_beside_the_field(meeting, organiser):
    content = (ZOOM_HEADER + f'"{"x" * 200_000}",eve@example.org,,,60,No,\n').encode()

    response = _upload(meeting, organiser, content)

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not Attendance.objects.exists()


def test_attendance_names_with_markup_are_shown_as_text_in_the_admin_list(meeting, organiser, client):
    content = (ZOOM_HEADER + "<script>alert(1)</script>,,,,60,No,\n").encode()
    _upload(meeting, organiser, content)
    client.force_login(organiser)

    response = client.get(reverse("admin:registration_attendance_changelist"))

    assert b"<script>alert(1)</script>" not in response.content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in response.content


# Another team's meeting by id in the address.


def test_chair_list_of_another_teams_meeting_by_id_is_not_found(client, meeting, other_meeting, organiser):
    FloorDecisionFactory(registration__meeting=other_meeting, registration__last_name="Secretspeaker")
    client.force_login(organiser)

    page = client.get(reverse("admin:registration_floordecision_chair"), {"meeting": other_meeting.pk})
    sheet = client.get(reverse("admin:registration_floordecision_chair_xlsx"), {"meeting": other_meeting.pk})

    assert page.status_code == 404
    assert sheet.status_code == 404


def test_participation_report_of_another_teams_meeting_by_id_is_not_found(client, meeting, other_meeting, organiser):
    client.force_login(organiser)

    for name in ("report", "print", "xlsx"):
        response = client.get(reverse(f"admin:registration_participation_{name}"), {"meeting": other_meeting.pk})

        assert response.status_code == 404, name


def test_joining_details_of_another_teams_meeting_are_not_found_in_the_admin(client, meeting, other_meeting, organiser):
    details = JoiningDetailsFactory(meeting=other_meeting)
    client.force_login(organiser)

    listing = client.get(reverse("admin:registration_joiningdetails_changelist"))
    change = client.get(reverse("admin:registration_joiningdetails_change", args=[details.pk]))

    assert details.participants_url.encode() not in listing.content
    assert change.status_code in (302, 404)


# Follow-up emails: messages to those who attended (mailings app), sent once the meeting is over.


def _follow_up(meeting, body="Thanks."):
    return Mailing.objects.create(
        meeting=meeting, audience=Mailing.Audience.ATTENDED, subject_en="Thank you", body_en=body
    )


def _attended(meeting, email):
    registration = RegistrationFactory(meeting=meeting, email=email)
    Attendance.objects.create(meeting=meeting, registration=registration, person_key=f"email:{email}", minutes=60)
    return registration


def _past(meeting):
    meeting.starts_at -= datetime.timedelta(days=60)
    meeting.ends_at -= datetime.timedelta(days=60)
    meeting.registration_deadline -= datetime.timedelta(days=60)
    meeting.save()


def test_follow_up_send_on_another_teams_follow_up_sends_nothing(
    client, meeting, other_meeting, organiser, django_capture_on_commit_callbacks
):
    _past(other_meeting)
    _attended(other_meeting, "bystander@example.org")
    follow_up = _follow_up(other_meeting)
    client.force_login(organiser)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:mailings_mailing_confirm", args=[follow_up.pk]))

    assert response.status_code == 404
    assert not OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.MAILING).exists()
    assert mail.outbox == []


def test_follow_up_sent_twice_writes_to_each_participant_once(
    client, meeting, organiser, django_capture_on_commit_callbacks
):
    _past(meeting)
    _attended(meeting, "amina@example.org")
    follow_up = _follow_up(meeting)
    client.force_login(organiser)

    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            client.post(reverse("admin:mailings_mailing_confirm", args=[follow_up.pk]))

    assert OutgoingEmail.objects.filter(kind=OutgoingEmail.Kind.MAILING).count() == 1


def test_follow_up_body_with_markup_is_escaped_in_the_html_email(
    client, meeting, organiser, django_capture_on_commit_callbacks
):
    _past(meeting)
    _attended(meeting, "amina@example.org")
    follow_up = _follow_up(meeting, body='Thanks <a href="https://evil.example/">click</a><script>x()</script>')
    client.force_login(organiser)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:mailings_mailing_confirm", args=[follow_up.pk]))

    html = mail.outbox[0].alternatives[0][0]
    assert "<script>" not in html
    assert 'href="https://evil.example/"' not in html


# Old addresses against drafts.


def test_old_calendar_address_stops_serving_a_meeting_made_a_draft(client):
    first = MeetingFactory(title="The first meeting")
    MeetingFactory(title="The second meeting")
    assert client.get("/meeting.ics").status_code == 200

    first.is_published = False
    first.save()
    response = client.get("/meeting.ics")

    assert b"The first meeting" not in response.content
