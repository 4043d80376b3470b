"""Browser tests of the meeting's public documents: the represented section and the full list pass axe-core."""

import pytest

from documents.certificates import certificate_issue, certificate_policy_save
from documents.services import list_of_participants_publish
from registration.models import Attendance, Registration
from tests.factories import MeetingFactory, RegistrationFactory
from tests.registration.roles import ORGANISERS, user_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def meeting():
    meeting = MeetingFactory(slug="documents-meeting")
    for country, last in (("CH", "Huber"), ("EG", "Hassan"), ("VA", "Rossi")):
        RegistrationFactory(meeting=meeting, listed_publicly=True, country=country, last_name=last)
    RegistrationFactory(
        meeting=meeting,
        listed_publicly=True,
        category=Registration.Category.CIVIL_SOCIETY,
        organisation="Caritas",
        last_name="Okafor",
    )
    list_of_participants_publish(meeting=meeting, names_published=True)
    return meeting


@pytest.mark.parametrize("language", ["en", "fr", "es", "ru"])
@pytest.mark.parametrize("path", ["", "participants/"])
def test_documents_pages_have_no_serious_accessibility_violation(
    live_server, meeting, new_page, axe_violations, path, language
):
    page = new_page(locale=language, extra_http_headers={"Accept-Language": language})
    page.goto(f"{live_server.url}/{meeting.slug}/{path}")

    assert page.locator("html").get_attribute("lang") == language
    assert axe_violations(page) == []


@pytest.mark.parametrize("language", ["en", "ru"])
def test_certificate_pages_have_no_serious_accessibility_violation(
    live_server, meeting, new_page, axe_violations, language
):
    attendee = RegistrationFactory(meeting=meeting, language=language)
    Attendance.objects.create(meeting=meeting, registration=attendee, person_key="a", minutes=90, source_sha256="0")
    certificate_policy_save(meeting=meeting, minimum_minutes=60, released=True)
    code = certificate_issue(registration=attendee).code
    page = new_page(locale=language, extra_http_headers={"Accept-Language": language})

    for path in (f"/register/manage/{attendee.manage_token}/", f"/{meeting.slug}/certificate/?code={code}"):
        page.goto(f"{live_server.url}{path}")
        assert axe_violations(page) == []
    assert page.locator("[role=status]").inner_text().startswith(("Valid", "Действителен"))


def test_admin_list_and_paragraph_pages_have_no_serious_accessibility_violation(
    live_server, meeting, signed_in_page, axe_violations
):
    page = signed_in_page(user_create(username="organiser", group=ORGANISERS, teams=[meeting]))

    for path in (
        f"/admin/documents/listofparticipants/?meeting={meeting.pk}&language=ru",
        f"/admin/documents/listofparticipants/attendance/?meeting={meeting.pk}",
    ):
        page.goto(f"{live_server.url}{path}")
        assert axe_violations(page) == []
    assert "Были представлены следующие государства" in page.locator("#paragraph-ru").input_value()
