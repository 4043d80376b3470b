"""The attendance pages in a real browser: the upload with its error, the lists, the report and its printable page."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from registration.online.attendance import attendance_import
from tests.factories import MeetingFactory, RegistrationFactory
from tests.registration.roles import ORGANISERS, user_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIXTURES = Path(__file__).parent.parent / "registration" / "fixtures" / "attendance"


@pytest.fixture
def meeting():
    meeting = MeetingFactory()
    RegistrationFactory(
        meeting=meeting, first_name="Jean", last_name="Dupont", email="jean.dupont@interieur.example.fr"
    )
    for _index in range(6):
        RegistrationFactory(meeting=meeting)
    attendance_import(meeting=meeting, content=(FIXTURES / "zoom_meeting_report.csv").read_bytes())
    return meeting


@pytest.fixture
def organiser_page(signed_in_page, meeting):
    return signed_in_page(user_create(username="organiser", group=ORGANISERS, in_every_team=True))


def test_attendance_upload_error_passes_axe(live_server, organiser_page, axe_violations, tmp_path):
    page = organiser_page
    bogus = tmp_path / "notes.csv"
    bogus.write_text("Title,Author\n")

    page.goto(f"{live_server.url}/admin/registration/attendance/upload/")
    page.get_by_label("Attendance report").set_input_files(str(bogus))
    page.get_by_role("button", name="Import").click()

    expect(page.locator(".errorlist")).to_contain_text("not an attendance report")
    violations = axe_violations(page)
    assert violations == [], "\n".join(violations)


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("/admin/registration/attendance/?state=to_match", "Caller 41"),
        ("/admin/registration/attendance/report/", "fewer than 5"),
        ("/admin/registration/attendance/report/print/", "Member State government"),
        ("/admin/mailings/mailing/add/", "Send to"),
    ],
)
def test_attendance_pages_pass_axe(live_server, organiser_page, axe_violations, path, text):
    page = organiser_page

    page.goto(f"{live_server.url}{path}")

    expect(page.locator("body")).to_contain_text(text)
    violations = axe_violations(page)
    assert violations == [], "\n".join(violations)
