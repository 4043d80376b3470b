"""The participant's rows of the organisers' walk (issue 20) in Chromium: what shows, on a phone too, and axe-core."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from agenda.services import meeting_load_imrf
from registration.online.floor import floor_accept
from registration.thanks import RESULT_COOKIE
from tests.factories import MeetingFactory, RegistrationFactory, registration_answers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def meeting():
    return MeetingFactory(organisers="Convened with the support of the United Nations Network on Migration.")


def test_a_field_required_when_it_appears_is_starred_and_announced(live_server, page, axe_violations, meeting):
    # F1.1 and F2.3: the Member State's attendance level appears with its star, and the live region names it.
    page.goto(f"{live_server.url}/{meeting.slug}/register/")

    page.get_by_label("Stakeholder category").select_option(label="Member State government")

    star = page.locator("label[for=id_imrf_attendance_level] .asteriskField")
    expect(star).to_be_visible()
    expect(star).to_have_text("*")
    expect(page.locator("#form-announcer")).to_have_attribute("aria-live", "polite")
    expect(page.locator("#form-announcer")).to_have_text(
        "A new question appears below: Expected level of your country's attendance at the IMRF"
    )
    assert axe_violations(page) == []


def test_the_announcement_is_in_the_pages_language(live_server, new_page, meeting):
    page = new_page(locale="fr-FR")
    page.goto(f"{live_server.url}/{meeting.slug}/register/")

    page.get_by_label("Je souhaite faire une intervention orale").check()

    expect(page.locator("#form-announcer")).to_contain_text("Une nouvelle question apparaît ci-dessous\u00a0:")


def test_the_current_page_is_marked_in_the_navigation_beyond_colour(live_server, page, axe_violations, meeting):
    # F2.7
    page.goto(f"{live_server.url}/{meeting.slug}/register/")

    current = page.locator("nav .nav-link[aria-current=page]")
    other = page.get_by_role("link", name="Agenda", exact=True)
    expect(current).to_have_text("Register")
    style = "el => [getComputedStyle(el).fontWeight, getComputedStyle(el).textDecorationLine]"
    assert current.evaluate(style) == ["700", "underline"]
    assert other.evaluate(style) != current.evaluate(style)
    assert axe_violations(page) == []


def test_the_calendar_button_looks_like_the_agenda_button(live_server, page, meeting):
    # F1.8: not a grey outline that reads as disabled.
    page.goto(f"{live_server.url}/{meeting.slug}/")

    colours = "el => [getComputedStyle(el).color, getComputedStyle(el).borderColor]"
    calendar = page.get_by_role("link", name="Add to calendar (.ics)")
    agenda = page.get_by_role("link", name="Read the agenda")
    assert calendar.evaluate(colours) == agenda.evaluate(colours)


def test_the_meeting_page_gives_the_visitors_own_time(live_server, new_page, axe_violations):
    # F1.12: 1 February 2022, 09:00–12:00 CET is 13:00–16:00 in Tashkent.
    meeting = meeting_load_imrf()
    page = new_page(timezone_id="Asia/Tashkent", locale="en-GB")

    page.goto(f"{live_server.url}/{meeting.slug}/")

    local = page.locator(".local-time")
    expect(local).to_be_visible()
    expect(local).to_contain_text("Your time")
    expect(local).to_contain_text(re.compile(r"13:00.*16:00"))
    expect(local).to_contain_text("Asia/Tashkent")
    assert axe_violations(page) == []


def test_the_meeting_page_without_javascript_shows_no_empty_local_time(live_server, new_page):
    meeting = meeting_load_imrf()
    page = new_page(java_script_enabled=False)

    page.goto(f"{live_server.url}/{meeting.slug}/")

    expect(page.locator(".local-time")).to_be_hidden()
    expect(page.locator("main")).to_contain_text("09:00")


def test_on_a_phone_the_imrf_sessions_read_day_by_day(live_server, new_page, axe_violations):
    # F1.7: no 816 px table in a 366 px box.
    meeting = meeting_load_imrf()
    page = new_page(viewport=PHONE, has_touch=True, is_mobile=True)

    page.goto(f"{live_server.url}/{meeting.slug}/agenda/#imrf-sessions")

    expect(page.locator("table.session-grid")).to_be_hidden()
    days = page.locator(".session-days .session-day")
    expect(days.first).to_be_visible()
    assert days.count() >= 2
    expect(days.first.get_by_role("heading", level=3)).to_be_visible()
    stacked = page.locator(".session-days")
    assert stacked.evaluate("el => el.scrollWidth <= el.clientWidth")
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_violations(page) == []


def test_on_a_desktop_the_imrf_sessions_stay_a_grid(live_server, new_page):
    meeting = meeting_load_imrf()
    page = new_page(viewport={"width": 1280, "height": 800})

    page.goto(f"{live_server.url}/{meeting.slug}/agenda/")

    expect(page.locator("table.session-grid")).to_be_visible()
    expect(page.locator(".session-days")).to_be_hidden()


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1280, "height": 800}], ids=["phone", "desktop"])
def test_the_home_page_says_who_what_and_until_when(live_server, new_page, axe_violations, meeting, viewport):
    # F1.11
    page = new_page(viewport=viewport)

    page.goto(f"{live_server.url}/")

    item = page.locator(".meeting-list li").first
    expect(item).to_contain_text("United Nations Network on Migration")
    expect(item).to_contain_text("Technical Meeting for Government Representatives")
    expect(item).to_contain_text("Registration is open until")
    assert axe_violations(page) == []


def test_the_thank_you_page_offers_to_correct_the_address_and_repeats_the_answers(
    live_server, page, axe_violations, meeting
):
    # F1.13: registered through the site by the test client, the thank-you cookie handed to the browser.
    client = Client()
    posted = client.post(reverse("registration:register", args=[meeting.slug]), registration_answers(meeting))
    thanks_url = reverse("registration:thanks", args=[meeting.slug])
    cookie = {"name": RESULT_COOKIE, "value": posted.cookies[RESULT_COOKIE].value, "url": live_server.url + thanks_url}
    page.context.add_cookies([cookie])

    page.goto(live_server.url + thanks_url)

    expect(page.get_by_role("heading", name="Wrong address?")).to_be_visible()
    expect(page.get_by_role("link", name="register again")).to_have_attribute(
        "href", reverse("registration:register", args=[meeting.slug])
    )
    expect(page.locator(".typed-summary")).to_contain_text("H.E. Ђорђе Đoković-Čačić")
    assert axe_violations(page) == []


def test_the_manage_page_shows_the_floor_decision_and_restores_by_name(live_server, page, axe_violations, meeting):
    # F1.6 and F1.15
    speaker = RegistrationFactory(meeting=meeting, wishes_to_speak=True, intervention_topic="Labour migration")
    floor_accept(registration=speaker)

    page.goto(f"{live_server.url}/register/manage/{speaker.manage_token}/")

    expect(page.locator(".floor-decision")).to_have_text("Accepted: you are number 1 on the speakers' list.")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Cancel my registration").click()
    page.get_by_role("button", name="Yes, cancel my registration").click()
    expect(page.get_by_role("button", name="Restore my registration")).to_be_visible()


def test_an_erased_registrations_link_says_it_was_erased(live_server, page, axe_violations, meeting):
    # F1.17
    registration = RegistrationFactory(meeting=meeting)
    page.goto(f"{live_server.url}/register/manage/{registration.manage_token}/erase/")
    page.get_by_role("button", name=re.compile("Yes, erase my registration")).click()

    page.goto(f"{live_server.url}/register/manage/{registration.manage_token}/")

    expect(page.get_by_role("heading", level=1)).to_have_text("This registration was erased")
    assert axe_violations(page) == []
