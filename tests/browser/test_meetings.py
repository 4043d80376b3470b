"""A participant picks the second of two meetings on the list at / and registers for it in the browser."""

import datetime
import re

import pytest
from django.core import mail as django_mail
from django.utils import timezone
from playwright.sync_api import expect

from registration.models import Registration
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
    page.get_by_label("First name").fill("Amina")
    page.get_by_label("Last name").fill("Hodžić")
    page.get_by_label(re.compile(r"^\s*Email")).fill("amina@example.ba")
    page.get_by_label("Position / job title").fill("Programme officer")
    page.get_by_label(re.compile(r"^\s*Organisation")).fill("Udruženje migranata")
    page.get_by_label("Stakeholder category").select_option(label="Member State government")
    page.get_by_label("Expected level of your country's attendance at the IMRF").select_option(label="Minister")
    page.get_by_label("Country represented or based in").select_option(label="Bosnia and Herzegovina")
    page.get_by_label("English", exact=True).check()
    page.get_by_label("I have read the privacy notice").check()
    page.get_by_role("button", name="Register").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for registering")
    registration = Registration.objects.get()
    assert registration.meeting == second
    message = django_mail.outbox[-1]
    assert message.to == ["amina@example.ba"]
    assert "Regional Review of the Global Compact" in message.body
    assert first.title not in message.body
    assert f"/{second.slug}/agenda/" in message.body
