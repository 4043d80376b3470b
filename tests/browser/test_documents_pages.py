"""Browser tests of the meeting's public documents: the represented section and the full list pass axe-core."""

import pytest

from documents.services import list_of_participants_publish
from registration.models import Registration
from tests.factories import MeetingFactory, RegistrationFactory

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
