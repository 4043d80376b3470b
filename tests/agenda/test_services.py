"""Tests of loading the meeting: `load_imrf` and its `--upcoming` shift."""

import datetime
import io
import zoneinfo

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from agenda.models import AgendaItem, ImrfSession, KeyDate, Meeting
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def _load_imrf(*args):
    call_command("load_imrf", *args, stdout=io.StringIO())
    return Meeting.objects.get()


def _agenda_dump():
    """Every row of every agenda table, many-to-many tables included, primary keys and all.

    `auto_now` fields are left out: they record when a row was last saved, not what it says.
    """
    dump = {}
    for model in apps.get_app_config("agenda").get_models(include_auto_created=True):
        fields = [f.attname for f in model._meta.concrete_fields if not getattr(f, "auto_now", False)]
        dump[model._meta.db_table] = list(model.objects.order_by("pk").values_list(*fields))
    return dump


def _local_dates_and_times(meeting):
    """Each date the meeting holds, with the wall-clock time in the meeting's zone where there is one."""
    meeting = Meeting.objects.get(pk=meeting.pk)
    moments = [meeting.starts_at, meeting.ends_at] + [
        moment
        for item in AgendaItem.objects.filter(meeting=meeting).order_by("position")
        for moment in (item.starts_at, item.ends_at)
        if moment
    ]
    local = [timezone.localtime(moment, PARIS) for moment in moments]
    dates = [moment.date() for moment in local] + [meeting.registration_deadline]
    for key_date in KeyDate.objects.filter(meeting=meeting).order_by("title"):
        dates += [key_date.date] + ([key_date.end_date] if key_date.end_date else [])
    dates += list(ImrfSession.objects.filter(meeting=meeting).order_by("date", "period").values_list("date", flat=True))
    return dates, [moment.time() for moment in local]


@pytest.mark.parametrize("args", [(), ("--upcoming",)], ids=["historical", "upcoming"])
def test_load_imrf_run_twice_changes_nothing(args):
    _load_imrf(*args)
    first = _agenda_dump()

    _load_imrf(*args)

    assert _agenda_dump() == first
    assert first["agenda_agendaitem"], "the dump must hold the loaded rows"


@pytest.mark.parametrize("args", [(), ("--upcoming",)], ids=["historical", "upcoming"])
def test_load_imrf_run_twice_leaves_dumpdata_byte_identical(args):
    _load_imrf(*args)
    first = io.StringIO()
    call_command("dumpdata", "agenda", indent=1, stdout=first)

    _load_imrf(*args)
    second = io.StringIO()
    call_command("dumpdata", "agenda", indent=1, stdout=second)

    assert second.getvalue() == first.getvalue()
    assert '"model": "agenda.meeting"' in first.getvalue()
    assert '"updated_at"' in first.getvalue()
    assert '"model": "agenda.noteparagraph"' in first.getvalue()


def test_load_imrf_historical_is_the_concept_notes_date():
    meeting = _load_imrf()

    meeting = Meeting.objects.get(pk=meeting.pk)
    assert meeting.starts_at == datetime.datetime(2022, 2, 1, 8, 0, tzinfo=datetime.UTC)
    assert meeting.ends_at == datetime.datetime(2022, 2, 1, 11, 0, tzinfo=datetime.UTC)
    assert meeting.registration_deadline == datetime.date(2022, 1, 25)
    assert not meeting.is_registration_open()


def test_load_imrf_upcoming_shifts_every_date_by_the_same_whole_weeks():
    historical = _load_imrf()
    historical_dates, historical_times = _local_dates_and_times(historical)
    today = timezone.localdate()

    upcoming = _load_imrf("--upcoming")

    upcoming = Meeting.objects.get(pk=upcoming.pk)
    assert upcoming.pk == historical.pk
    upcoming_dates, upcoming_times = _local_dates_and_times(upcoming)
    shifts = {new - old for new, old in zip(upcoming_dates, historical_dates, strict=True)}
    assert len(shifts) == 1
    assert upcoming_times == historical_times
    meeting_day = timezone.localtime(upcoming.starts_at, PARIS).date()
    assert 30 <= (meeting_day - today).days < 37
    assert meeting_day.weekday() == datetime.date(2022, 2, 1).weekday()
    assert upcoming.registration_deadline >= today
    assert upcoming.is_registration_open()


@pytest.mark.postgres
def test_load_imrf_on_postgresql_stores_utc():
    meeting = _load_imrf()

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_char(starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') FROM agenda_meeting WHERE id = %s",
            [meeting.pk],
        )
        (stored,) = cursor.fetchone()

    assert stored == "2022-02-01 08:00"


def test_load_imrf_with_an_empty_slug_is_refused_and_the_live_meeting_untouched():
    meeting = MeetingFactory(title="The live meeting")
    before = (meeting.starts_at, meeting.title)

    with pytest.raises(CommandError, match="--slug is empty"):
        call_command("load_imrf", "--slug", "", stdout=io.StringIO())

    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.title) == before
    assert Meeting.objects.count() == 1
