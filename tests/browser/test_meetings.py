"""A participant picks the second of two meetings on the list at / and registers for it in the browser."""

import datetime

import pytest
from django.core import mail as django_mail
from django.utils import timezone
from playwright.sync_api import expect

from registration.models import Registration
from tests.browser.forms import EMAIL, ORGANISATION, Choose, exact, form_fill
from tests.factories import MeetingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def meetings():
    soon = timezone.now() + datetime.timedelta(days=30)
    first = MeetingFactory(slug="imrf-100-days", starts_at=soon)
    second = MeetingFactory(
        slug="regional-review",
        title="Regional Review of the Global Compact",
        starts_at=soon + datetime.timedelta(days=7),
    )
    return first, second


def test_register_for_the_second_meeting_from_the_list(live_server, page, axe_violations, meetings):
    first, second = meetings
    page.goto(f"{live_server.url}/")
    assert axe_violations(page) == []

    upcoming = page.get_by_role("region", name="Upcoming meetings")
    upcoming.get_by_role("link", name="Regional Review of the Global Compact", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Regional Review of the Global Compact")
    page.get_by_role("main").get_by_role("link", name="Register").click()
    expect(page).to_have_url(f"{live_server.url}/{second.slug}/register/")
    form_fill(
        page,
        {
            "First name": "Amina",
            "Last name": "Hodžić",
            EMAIL: "amina@example.ba",
            "Position / job title": "Programme officer",
            ORGANISATION: "Udruženje migranata",
            "Stakeholder category": Choose("Member State government"),
            "Expected level of your country's attendance at the IMRF": Choose("Minister"),
            "Country represented or based in": Choose("Bosnia and Herzegovina"),
            exact("English"): True,
            "I have read the privacy notice": True,
        },
    )
    page.get_by_role("button", name="Register").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for registering")
    registration = Registration.objects.get()
    assert registration.meeting == second
    message = django_mail.outbox[-1]
    assert message.to == ["amina@example.ba"]
    assert "Regional Review of the Global Compact" in message.body
    assert first.title not in message.body
    assert f"/{second.slug}/agenda/" in message.body
