"""Tests of the meeting page and the agenda page against the concept note's own text."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agenda.services import meeting_load_imrf
from tests.agenda.pages import IMRF_SLUG
from tests.factories import AgendaItemFactory, SpeakerFactory

from . import concept_note
from .pages import parse_html

pytestmark = pytest.mark.django_db

# Between the pieces of one ACTIVITY cell the note has only spaces and the dash before “Moderated by”.
CELL_SEPARATORS = re.compile(r"[\s–]*")


@pytest.fixture
def meeting():
    return meeting_load_imrf()


def _page(client, name):
    response = client.get(reverse(name, args=[IMRF_SLUG]))
    assert response.status_code == 200
    return parse_html(response.content)


def _consume(cell: str, piece: str) -> str:
    """Remove one occurrence of a piece the page shows from the note's cell text."""
    assert piece in cell, f"the page shows {piece!r}, which the concept note's cell does not hold: {cell!r}"
    return cell.replace(piece, " ", 1)


def _definitions(dl):
    """A <dl> as {term: description}."""
    terms = dl.child_elements("dt")
    descriptions = dl.child_elements("dd")
    return {term.text: description.text for term, description in zip(terms, descriptions, strict=True)}


def test_agenda_shows_every_schedule_row_of_the_concept_note_word_for_word(client, meeting):
    expected_rows = concept_note.agenda_rows()

    page = _page(client, "agenda:agenda")

    rows = page.find("table", "agenda-table").find("tbody").child_elements("tr")
    assert [row.find("th").text for row in rows] == [expected.time for expected in expected_rows]
    assert expected_rows[0].activity == "Audio and video check by participants"
    assert expected_rows[-1].activity == "Close"
    for row, expected in zip(rows, expected_rows, strict=True):
        activity = row.child_elements("td")[-1]
        pieces = [p.text for p in activity.find_all("p")] + [li.text for li in activity.find_all("li")]
        remaining = expected.activity
        for piece in sorted(pieces, key=len, reverse=True):
            remaining = _consume(remaining, piece)
        assert CELL_SEPARATORS.fullmatch(remaining), f"{expected.time}: the page leaves out {remaining.strip()!r}"


def test_agenda_shows_each_speaker_with_honorific_position_and_organisation(client, meeting):
    expected_rows = {row.time: row.activity for row in concept_note.agenda_rows()}

    page = _page(client, "agenda:agenda")

    speakers = {
        row.find("th").text: [li.text for li in row.find_all("li")]
        for row in page.find("table", "agenda-table").find("tbody").child_elements("tr")
    }
    azerbaijan = "Government of Azerbaijan, Chief State Migration Service, H.E. Vusal Huseynov"
    assert speakers["09:00 – 09:20 CET"][0] == azerbaijan
    assert speakers["10:00 – 11:30 CET"] == [
        "Moderated by Government of Luxembourg, Ambassador-at-large for Human Rights, "
        "Coordinator for International Migration Affairs, H.E. Anne Goedert"
    ]
    # Two speakers at 09:00, 09:20 and 11:30, one at 09:30 and the moderator at 10:00.
    assert sum(len(names) for names in speakers.values()) == 8
    for time, names in speakers.items():
        for name in names:
            assert name in expected_rows[time]
            assert name.count(", ") >= 1, f"{name!r} should give the speaker's position and organisation"


def test_agenda_shows_every_cell_of_annex_1(client, meeting):
    annex = concept_note.annex1()

    page = _page(client, "agenda:agenda")

    grid = page.find("table", "session-grid")
    assert [th.text for th in grid.find("thead").find_all("th")] == annex.days
    body_rows = grid.find("tbody").child_elements("tr")
    assert [row.find("th").text for row in body_rows] == annex.periods
    for row, period in zip(body_rows, annex.periods, strict=True):
        for cell, day in zip(row.child_elements("td"), annex.days, strict=True):
            expected = annex.cells[(period, day)]
            # The note marks list items with “*” and “1)”; the page makes them <ul> and <ol> items.
            assert cell.text == " ".join(re.sub(r"\*|\b\d\)", " ", expected).split()), (period, day)
            list_items = {li.text for li in cell.find_all("li")}
            for bullet in expected.split("*")[1:]:
                numbered = re.split(r"\s*\b\d\)\s*", bullet.strip())
                assert " ".join(numbered) in list_items, (period, day, bullet)
                assert set(numbered[1:]) <= list_items, (period, day, bullet)


def test_agenda_shows_every_objective_of_annex_2_in_its_roundtable(client, meeting):
    roundtables = concept_note.annex2()

    page = _page(client, "agenda:agenda")

    table = page.find("table", "roundtables")
    assert table.find("caption").text.startswith(concept_note.annex2_title())
    assert [th.text for th in table.find("thead").find_all("th")] == [rt.name for rt in roundtables]
    agencies_row, objectives_row = table.find("tbody").child_elements("tr")
    assert [td.text for td in agencies_row.child_elements("td")] == [rt.agencies for rt in roundtables]
    columns = objectives_row.child_elements("td")
    assert len(columns) == len(roundtables) == 4
    for column, roundtable in zip(columns, roundtables, strict=True):
        # The page puts a colon between the number and the title, as each language separates them.
        expected = [re.sub(r"^(Objective \d+) ", r"\1: ", objective) for objective in roundtable.objectives]
        assert [li.text for li in column.find_all("li")] == expected, roundtable.name
    assert sum(len(rt.objectives) for rt in roundtables) == 23


def test_agenda_has_one_h1_and_an_anchor_for_each_part(client, meeting):
    page = _page(client, "agenda:agenda")

    assert len(page.find_all("h1")) == 1
    for anchor in ("schedule", "imrf-sessions", "roundtables"):
        assert page.find_all("section", id=anchor), anchor
        assert page.find_all("a", href=f"#{anchor}"), anchor
    assert page.find_all("a", href=reverse("agenda:calendar", args=[IMRF_SLUG]))


def test_agenda_query_count_does_not_grow_with_the_rows(client, meeting, django_assert_num_queries):
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("agenda:agenda", args=[IMRF_SLUG]))
    for _ in range(50):
        item = AgendaItemFactory(meeting=meeting)
        SpeakerFactory.create_batch(2, agenda_item=item)

    with django_assert_num_queries(len(before.captured_queries)):
        response = client.get(reverse("agenda:agenda", args=[IMRF_SLUG]))

    rows = parse_html(response.content).find("table", "agenda-table").find("tbody").child_elements("tr")
    assert len(rows) == len(concept_note.agenda_rows()) + 50
    assert sum(len(row.find_all("li")) for row in rows) == 8 + 100


def test_meeting_detail_shows_the_meeting(client, meeting):
    page = _page(client, "agenda:meeting")

    assert page.find("h1").text == "100 Days to the International Migration Review Forum"
    when = _definitions(page.find("dl", "row"))
    assert when["Date"] == "Tuesday, 1 February 2022"
    assert when["Time"].startswith("09:00 – 12:00 CET")
    assert "(08:00–11:00 UTC)" in when["Time"]
    assert "Register by Tuesday, 25 January 2022." in when["Registration"]
    assert "Registration is closed." in when["Registration"]
    assert when["Contact"] == "roviennapolicyandliaison@iom.int"
    assert "Virtual" in when["Format"]
    assert not page.find_all("a", href=reverse("registration:register", args=[IMRF_SLUG]), class_="btn")
    assert page.find_all("a", href=reverse("agenda:agenda", args=[IMRF_SLUG]))
    assert page.find_all("a", href=reverse("agenda:calendar", args=[IMRF_SLUG]))


def test_meeting_detail_lists_the_interpretation_languages_and_key_dates(client, meeting):
    page = _page(client, "agenda:meeting")

    languages_heading = next(h3 for h3 in page.find_all("h3") if h3.text == "Interpretation languages")
    section = next(s for s in page.find_all("section") if languages_heading in s.iter())
    assert [li.text for li in section.find("ul").child_elements("li")] == [
        "English",
        "French",
        "Spanish",
        "Russian",
        "Bosnian, Croatian, Montenegrin, and Serbian (BCMS)",
    ]
    key_dates = _definitions(page.find("dl", "key-dates"))
    # The note: "apply for special accreditation before 26 January 2022"; the 26th itself is too late.
    assert key_dates["Before 26 January 2022"].startswith("Apply for special accreditation to the IMRF")
    assert "26 January 2022" not in key_dates
    assert key_dates["By the end of February 2022"].startswith("Consultative voluntary national reports")
    assert key_dates["9 May 2022"].startswith("Interactive Multi-Stakeholder Hearing")
    assert key_dates["10 – 13 May 2022"].startswith("First International Migration Review Forum")


def test_meeting_detail_upcoming_says_registration_is_open(client):
    meeting_load_imrf(today=timezone.localdate())

    page = _page(client, "agenda:meeting")

    when = _definitions(page.find("dl", "row"))
    assert "Registration is open." in when["Registration"]
    assert page.find_all("a", href=reverse("registration:register", args=[IMRF_SLUG]), class_="btn")


@pytest.mark.parametrize("name", ["agenda:meeting", "agenda:agenda", "agenda:calendar"])
def test_pages_without_a_meeting_answer_404(client, name):
    response = client.get(reverse(name, args=[IMRF_SLUG]))

    assert response.status_code == 404
