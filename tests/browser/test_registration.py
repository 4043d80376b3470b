"""A participant registers in the browser, by label, then changes and cancels through the manage link."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.test import override_settings
from playwright.sync_api import expect

from agenda.cache import pages_forget_local
from registration.models import Registration
from tests.browser.forms import EMAIL, ORGANISATION, Choose, exact, form_fill
from tests.factories import MeetingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def meeting():
    return MeetingFactory()


def test_register_change_and_cancel_as_a_new_user_would(live_server, page, axe_violations, meeting):
    page.goto(f"{live_server.url}/{meeting.slug}/register/")
    assert axe_violations(page) == []

    form_fill(
        page,
        {
            "First name": "Ђорђе",
            "Last name": "Đoković Šćepanović",
            EMAIL: "djordje@example.rs",
            "Position / job title": "Savjetnik",
            ORGANISATION: "Ministarstvo za ljudska prava i izbjeglice",
            "Stakeholder category": Choose("Member State government"),
            "Expected level of your country's attendance at the IMRF": Choose("Minister"),
            "Country represented or based in": Choose("Bosnia and Herzegovina"),
            "Bosnian, Croatian, Montenegrin, and Serbian (BCMS)": True,
            exact("Man"): True,
            re.compile("I agree to the use of my gender"): True,
            "I have read the privacy notice": True,
        },
    )
    page.get_by_role("button", name="Register").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for registering")
    # The thank-you page is the same whether or not the address was registered: the summary is in the email.
    expect(page.locator("main .lead")).to_contain_text("We have sent an email to djordje@example.rs")
    assert axe_violations(page) == []
    registration = Registration.objects.get()
    assert (registration.first_name, registration.last_name) == ("Ђорђе", "Đoković Šćepanović")
    assert registration.organisation == "Ministarstvo za ljudska prava i izbjeglice"
    assert registration.listening_language.code == "bcms"
    assert registration.country == "BA"

    page.goto(f"{live_server.url}/register/manage/{registration.manage_token}/")
    page.get_by_label("French", exact=True).check()
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status")).to_contain_text("Your changes are saved")
    expect(page.locator(".registration-summary")).to_contain_text("French")

    page.get_by_role("link", name="Cancel my registration").click()
    page.get_by_role("button", name="Yes, cancel my registration").click()
    expect(page.locator(".registration-status")).to_have_text("Cancelled")
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    assert registration.listening_language.code == "fr"


def test_register_errors_are_summarised_focused_and_accessible(live_server, page, axe_violations, meeting):
    page.goto(f"{live_server.url}/{meeting.slug}/register/")
    page.get_by_label("First name").fill("Amina")

    page.get_by_role("button", name="Register").click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Last name: This field is required.")
    expect(page.get_by_label("First name")).to_have_value("Amina")
    expect(page.locator("#id_last_name")).to_have_class(re.compile("is-invalid"))
    assert axe_violations(page) == []
    assert not Registration.objects.exists()


def test_register_conditional_fields_follow_the_category(live_server, page, meeting):
    page.goto(f"{live_server.url}/{meeting.slug}/register/")
    attendance = page.get_by_label("Expected level of your country's attendance at the IMRF")
    accreditation = page.get_by_label("How is your organisation accredited to the IMRF?")
    expect(attendance).to_be_hidden()

    page.get_by_label("Stakeholder category").select_option(label="Member State government")
    expect(attendance).to_be_visible()
    expect(accreditation).to_be_hidden()

    page.get_by_label("Stakeholder category").select_option(label="Civil society / NGO")
    expect(attendance).to_be_hidden()
    expect(accreditation).to_be_visible()


def test_register_other_country_asks_for_its_name_only_when_chosen(live_server, page, axe_violations, meeting):
    page.goto(f"{live_server.url}/{meeting.slug}/register/")
    typed = page.get_by_label("Country or area, if not in the list")
    expect(typed).to_be_hidden()

    page.get_by_label("Country represented or based in").select_option(label="Other (please specify)")
    expect(typed).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_label("Country represented or based in").select_option(label="Holy See")
    expect(typed).to_be_hidden()


def test_register_form_shows_every_field_without_javascript(live_server, new_page, meeting):
    page = new_page(java_script_enabled=False)

    page.goto(f"{live_server.url}/{meeting.slug}/register/")

    expect(page.get_by_label("Expected level of your country's attendance at the IMRF")).to_be_visible()
    expect(page.get_by_label("Topic of your intervention")).to_be_visible()


def test_register_without_javascript_from_the_cached_page(live_server, new_page, meeting):
    page = new_page(java_script_enabled=False)
    cache.clear()
    pages_forget_local()

    with override_settings(PAGE_CACHE_TIMEOUT=datetime.timedelta(minutes=10)):
        # The first visit fills the cache; this visitor is served the kept page with a token of its own.
        page.goto(f"{live_server.url}/{meeting.slug}/register/")
        page.reload()
        form_fill(
            page,
            {
                "First name": "Amina",
                "Last name": "Diallo",
                EMAIL: "amina.diallo@example.sn",
                "Position / job title": "Chargée de mission",
                ORGANISATION: "Réseau migrations Sénégal",
                "Stakeholder category": Choose("Civil society / NGO"),
                "Country represented or based in": Choose("Senegal"),
                exact("French"): True,
                "I have read the privacy notice": True,
            },
        )
        page.get_by_role("button", name="Register").click()

        expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for registering")
    cache.clear()
    pages_forget_local()
    assert Registration.objects.get().email == "amina.diallo@example.sn"


def test_choosing_a_category_registered_by_focal_points_shows_the_note_at_once(live_server, page, axe_violations):
    meeting = MeetingFactory(focal_point_categories=["member_state"])
    page.goto(f"{live_server.url}/{meeting.slug}/register/")
    note = page.locator("#focal-point-note")
    expect(note).to_be_hidden()

    page.get_by_label("Stakeholder category").select_option(label="Member State government")

    expect(note).to_be_visible()
    expect(note).to_contain_text("nominated by their focal point")
    expect(note).to_contain_text(meeting.contact_email)
    assert axe_violations(page) == []
    page.get_by_label("Stakeholder category").select_option(label="Civil society / NGO")
    expect(note).to_be_hidden()
