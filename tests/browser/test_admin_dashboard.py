"""The organisers' dashboard and registrations list in a real browser: drawn, and accessible to axe-core."""

import pytest
from playwright.sync_api import expect

from tests.factories import MeetingFactory, RegistrationFactory
from tests.registration.roles import ORGANISERS, user_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def organiser_page(signed_in_page, registrations):
    """A page signed in as an Organiser of the meeting, through a session made by the test client."""
    return signed_in_page(user_create(username="organiser", group=ORGANISERS, in_every_team=True))


@pytest.fixture
def registrations():
    meeting = MeetingFactory()
    for index in range(12):
        RegistrationFactory(
            meeting=meeting,
            first_name="Ђорђе" if index == 0 else "Amira",
            country=["AT", "RS", "AZ"][index % 3],
            gender=["woman", "man", "non_binary"][index % 3],
            other_language="Albanian" if index == 0 else "",
            age_group="under_25" if index < 2 else "",
        )
    return meeting


def test_dashboard_draws_its_charts_and_passes_axe(live_server, organiser_page, axe_violations, registrations):
    page = organiser_page

    page.goto(f"{live_server.url}/admin/")
    page.get_by_role("link", name="Registrations dashboard").click()

    expect(page.get_by_role("heading", name="Registrations dashboard")).to_be_visible()
    expect(page.get_by_role("img", name="Listeners per interpretation language", exact=False)).to_be_visible()
    expect(page.locator("#unece-missing")).to_contain_text("Albania")
    expect(page.locator("#diversity")).to_contain_text("fewer than 5")
    violations = axe_violations(page)
    assert violations == [], "\n".join(violations)


def test_registrations_list_passes_axe(live_server, organiser_page, axe_violations, registrations):
    page = organiser_page

    page.goto(f"{live_server.url}/admin/registration/registration/")

    expect(page.get_by_role("link", name="Ђорђе", exact=False)).to_be_visible()
    violations = axe_violations(page)
    assert violations == [], "\n".join(violations)


@pytest.mark.parametrize("language", ["en", "fr", "es", "ru"])
def test_accessibility_block_and_named_list_pass_axe(
    live_server, signed_in_page, axe_violations, registrations, language
):
    RegistrationFactory(
        meeting=registrations, first_name="Captioned", needs_captions=True, accessibility_other="Braille"
    )
    page = signed_in_page(
        user_create(
            username="arranger",
            group=ORGANISERS,
            permissions=["registration.arrange_accessibility"],
            in_every_team=True,
        )
    )
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])

    page.goto(f"{live_server.url}/admin/registration/registration/dashboard/#accessibility")
    expect(page.locator("#accessibility-needs")).to_be_visible()
    dashboard_violations = axe_violations(page)
    page.locator("#accessibility a").click()
    expect(page.locator("#accessibility-people")).to_contain_text("Braille")

    assert dashboard_violations == [], "\n".join(dashboard_violations)
    violations = axe_violations(page)
    assert violations == [], "\n".join(violations)
