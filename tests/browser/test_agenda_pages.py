"""Browser tests of the meeting, concept note and agenda pages: tables, local times, footnotes, accessibility."""

import pytest

from agenda.services import meeting_load_imrf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def meeting():
    return meeting_load_imrf()


def test_agenda_shows_the_four_roundtables(live_server, meeting, page):
    page.goto(f"{live_server.url}/{meeting.slug}/agenda/#roundtables")

    table = page.locator("table.roundtables")
    assert table.is_visible()
    headers = table.locator("thead th")
    assert headers.all_inner_texts() == ["Roundtable one", "Roundtable two", "Roundtable three", "Roundtable four"]
    objectives = table.locator("tbody tr").nth(1).locator("td")
    assert objectives.count() == 4
    assert "Objective 21: Cooperate in facilitating safe and dignified return" in objectives.nth(1).inner_text()


def test_agenda_local_time_column_shows_the_visitors_time(live_server, meeting, new_page):
    page = new_page(timezone_id="America/New_York", locale="en-US")

    page.goto(f"{live_server.url}/{meeting.slug}/agenda/")

    header = page.locator("table.agenda-table thead th.local-time-col")
    header.wait_for(state="visible")
    assert "America/New_York" in header.inner_text()
    first_row = page.locator("table.agenda-table tbody tr").first
    assert first_row.locator("th").inner_text().startswith("08:45")
    local = first_row.locator("td.local-time-col")
    assert local.is_visible()
    assert "02:45" in local.inner_text()
    assert "02:55" in local.inner_text()


def test_agenda_without_javascript_hides_the_empty_local_time_column(live_server, meeting, new_page):
    page = new_page(java_script_enabled=False)

    page.goto(f"{live_server.url}/{meeting.slug}/agenda/")

    assert page.locator("table.agenda-table th.local-time-col").is_hidden()
    assert page.locator("table.agenda-table tbody tr").first.locator("th").inner_text().startswith("08:45")


@pytest.mark.parametrize("width", [375, 1280], ids=["phone", "desktop"])
@pytest.mark.parametrize("path", ["/", "/imrf-100-days/", "/imrf-100-days/concept-note/", "/imrf-100-days/agenda/"])
def test_pages_have_no_serious_accessibility_violation(live_server, meeting, new_page, axe_violations, path, width):
    page = new_page(viewport={"width": width, "height": 800})
    page.goto(f"{live_server.url}{path}")

    violations = axe_violations(page)

    assert violations == []


@pytest.mark.parametrize("width", [375, 1280], ids=["phone", "desktop"])
def test_agenda_readable_on_a_phone_and_a_desktop(live_server, meeting, new_page, width):
    page = new_page(viewport={"width": width, "height": 800}, timezone_id="America/New_York")

    page.goto(f"{live_server.url}/{meeting.slug}/agenda/")

    page_width = page.evaluate("() => document.documentElement.scrollWidth")
    assert page_width <= width, "the page itself must not scroll sideways; wide tables scroll in their own box"
    page.locator("table.agenda-table th.local-time-col").wait_for(state="visible")
    for cell in page.locator("table.agenda-table tbody tr td:last-child").all():
        box = cell.bounding_box()
        assert box["x"] + box["width"] <= width, f"the activity {cell.inner_text()[:40]!r} runs off the screen"


def test_concept_note_footnote_reference_and_back_link_move_the_reader(live_server, meeting, page):
    page.goto(f"{live_server.url}/{meeting.slug}/concept-note/")

    page.locator("#fnref-1").click()
    assert page.evaluate("() => location.hash") == "#fn-1"
    assert page.locator("#fn-1").is_visible()
    page.locator("#fn-1 a.footnote-back").click()

    assert page.evaluate("() => location.hash") == "#fnref-1"
    assert page.locator("#fnref-1").is_visible()
