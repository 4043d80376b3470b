"""Tests of the meeting's “Add to calendar” file (RFC 5545)."""

import datetime
import zoneinfo

import icalendar
import pytest
from django.urls import reverse

from agenda.services import meeting_load_imrf
from tests.agenda.pages import IMRF_SLUG

pytestmark = pytest.mark.django_db


def _calendar(client):
    response = client.get(reverse("agenda:calendar", args=[IMRF_SLUG]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def test_meeting_calendar_historical_load_is_1_february_2022_09_00_to_12_00_cet(client):
    meeting_load_imrf()

    calendar = _calendar(client)

    (event,) = calendar.walk("VEVENT")
    starts, ends = event.decoded("DTSTART"), event.decoded("DTEND")
    assert event["DTSTART"].params["TZID"] == event["DTEND"].params["TZID"] == "Europe/Paris"
    paris = zoneinfo.ZoneInfo("Europe/Paris")
    assert starts == datetime.datetime(2022, 2, 1, 9, 0, tzinfo=paris)
    assert ends == datetime.datetime(2022, 2, 1, 12, 0, tzinfo=paris)
    assert starts.tzname() == "CET"
    assert starts.astimezone(datetime.UTC) == datetime.datetime(2022, 2, 1, 8, 0, tzinfo=datetime.UTC)
    assert ends.astimezone(datetime.UTC) == datetime.datetime(2022, 2, 1, 11, 0, tzinfo=datetime.UTC)
    assert str(event["SUMMARY"]) == "100 Days to the International Migration Review Forum"


def test_meeting_calendar_carries_the_time_zone_definition(client):
    meeting_load_imrf()

    calendar = _calendar(client)

    (vtimezone,) = calendar.walk("VTIMEZONE")
    assert str(vtimezone["TZID"]) == "Europe/Paris"
    assert vtimezone.walk("STANDARD"), "a VTIMEZONE needs the standard-time rule CET comes from"
    assert str(calendar["VERSION"]) == "2.0"
    assert calendar["PRODID"]


def test_meeting_calendar_keeps_its_uid_across_reloads(client):
    meeting_load_imrf()
    first = _calendar(client)

    meeting_load_imrf()

    (before,), (after,) = first.walk("VEVENT"), _calendar(client).walk("VEVENT")
    assert str(after["UID"]) == str(before["UID"])
