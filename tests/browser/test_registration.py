"""A participant registers in the browser, by label, then changes and cancels through the manage link."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.test import override_settings
from playwright.sync_api import expect

from agenda.cache import pages_forget_local
from registration.models import Registration
from tests.factories import MeetingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def meeting():
    return MeetingFactory()


def test_register_change_and_cancel_as_a_new_user_would(live_server, page, axe_violations, meeting):
    page.goto(f"{live_server.url}/{meeting.slug}/register/")
    assert axe_violations(page) == []

    page.get_by_label("First name").fill("Ђорђе")
    page.get_by_label("Last name").fill("Đoković Šćepanović")
    page.get_by_label(re.compile(r"^\s*Email")).fill("djordje@example.rs")
    page.get_by_label("Position / job title").fill("Savjetnik")
    page.get_by_label(re.compile(r"^\s*Organisation")).fill("Ministarstvo za ljudska prava i izbjeglice")
    page.get_by_label("Stakeholder category").select_option(label="Member State government")
    page.get_by_label("Expected level of your country's attendance at the IMRF").select_option(label="Minister")
    page.get_by_label("Country represented or based in").select_option(label="Bosnia and Herzegovina")
    page.get_by_label("Bosnian, Croatian, Montenegrin, and Serbian (BCMS)").check()
    page.get_by_label("Man", exact=True).check()
    page.get_by_label(re.compile("I agree to the use of my gender")).check()
    page.get_by_label("I have read the privacy notice").check()
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
        page.get_by_label("First name").fill("Amina")
        page.get_by_label("Last name").fill("Diallo")
        page.get_by_label(re.compile(r"^\s*Email")).fill("amina.diallo@example.sn")
        page.get_by_label("Position / job title").fill("Chargée de mission")
        page.get_by_label(re.compile(r"^\s*Organisation")).fill("Réseau migrations Sénégal")
        page.get_by_label("Stakeholder category").select_option(label="Civil society / NGO")
        page.get_by_label("Country represented or based in").select_option(label="Senegal")
        page.get_by_label("French", exact=True).check()
        page.get_by_label("I have read the privacy notice").check()
        page.get_by_role("button", name="Register").click()

        expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for registering")
    cache.clear()
    pages_forget_local()
    assert Registration.objects.get().email == "amina.diallo@example.sn"
