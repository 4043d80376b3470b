"""Writes to the agenda: loading the IMRF meeting from its data file."""

import csv
import datetime
import zoneinfo
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.db import transaction

from .models import (
    GcmObjective,
    InterpretationLanguage,
    KeyDate,
    Meeting,
    MeetingTopic,
    Speaker,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
IMRF_DATA_FILE = DATA_DIR / "imrf-2022.yaml"
GCM_OBJECTIVES_FILE = DATA_DIR / "gcm-objectives.csv"

MEETING_TEXT_FIELDS = (
    "title",
    "subtitle",
    "short_name",
    "time_zone",
    "format",
    "format_description",
    "platform",
    "platform_url",
    "contact_email",
    "introduction",
    "purpose",
    "topics_intro",
    "opportunities_intro",
    "audience",
    "organisers",
    "registration_note",
    "interventions_note",
    "diversity_note",
    "interpretation_note",
)

# How far ahead, at least, `--upcoming` puts the meeting, so registration is open.
UPCOMING_LEAD_DAYS = 30


@dataclass(frozen=True)
class _Clock:
    """Turns the data file's wall-clock times into aware datetimes, shifted by whole days."""

    tz: zoneinfo.ZoneInfo
    shift: datetime.timedelta

    def date(self, value: datetime.date) -> datetime.date:
        return value + self.shift

    def at(self, day: datetime.date, hhmm: str) -> datetime.datetime:
        # Shifting the date and then attaching the zone keeps 09:00 at 09:00 local time,
        # even when the shift crosses a daylight-saving change.
        return datetime.datetime.combine(self.date(day), datetime.time.fromisoformat(hhmm), tzinfo=self.tz)


def gcm_objectives_load() -> int:
    with GCM_OBJECTIVES_FILE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        GcmObjective.objects.update_or_create(
            number=int(row["number"]), defaults={"title": row["title"], "short_label": row["short_label"]}
        )
    return len(rows)


def upcoming_shift(*, meeting_date: datetime.date, today: datetime.date) -> datetime.timedelta:
    """Whole weeks, so Tuesday's meeting stays on a Tuesday, at least 30 days from today."""
    days = (today + datetime.timedelta(days=UPCOMING_LEAD_DAYS) - meeting_date).days
    return datetime.timedelta(weeks=-(-days // 7))


def _sync_children(manager, rows, *, key, defaults):
    """Update rows in place by natural key and delete the rest, so reloading keeps primary keys."""
    kept = []
    for index, row in enumerate(rows):
        obj, _ = manager.update_or_create(**key(index, row), defaults=defaults(index, row))
        kept.append(obj.pk)
    manager.exclude(pk__in=kept).delete()
    return manager.filter(pk__in=kept)


@transaction.atomic
def meeting_load_imrf(*, path: Path = IMRF_DATA_FILE, today: datetime.date | None = None) -> Meeting:
    """Load the meeting from its data file; with `today`, shift every date so it is 30 days ahead."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    spec = data["meeting"]
    tz = zoneinfo.ZoneInfo(spec["time_zone"])
    shift = upcoming_shift(meeting_date=spec["date"], today=today) if today else datetime.timedelta()
    clock = _Clock(tz=tz, shift=shift)

    gcm_objectives_load()
    meeting_fields = {name: spec[name] for name in MEETING_TEXT_FIELDS}
    meeting, _ = Meeting.objects.update_or_create(
        slug=spec["slug"],
        defaults={
            **meeting_fields,
            "starts_at": clock.at(spec["date"], spec["start"]),
            "ends_at": clock.at(spec["date"], spec["end"]),
            "registration_deadline": clock.date(spec["registration_deadline"]),
        },
    )

    languages = [
        InterpretationLanguage.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"], "position": index}
        )[0]
        for index, row in enumerate(data["interpretation_languages"])
    ]
    meeting.interpretation_languages.set(languages)

    topic_rows = [(MeetingTopic.Kind.TOPIC, text) for text in data["topics"]] + [
        (MeetingTopic.Kind.OPPORTUNITY, text) for text in data["opportunities"]
    ]
    _sync_children(
        meeting.topics,
        topic_rows,
        key=lambda i, row: {"kind": row[0], "position": i},
        defaults=lambda i, row: {"text": row[1]},
    )
    _sync_children(
        meeting.key_dates,
        data["key_dates"],
        key=lambda i, row: {"title": row["title"]},
        defaults=lambda i, row: {
            "date": clock.date(row["date"]),
            "end_date": clock.date(row["end_date"]) if row.get("end_date") else None,
            "precision": row.get("precision", KeyDate.Precision.DAY),
            "description": row.get("description", ""),
        },
    )

    items = _sync_children(
        meeting.agenda_items,
        data["agenda_items"],
        key=lambda i, row: {"position": i},
        defaults=lambda i, row: {
            "starts_at": clock.at(spec["date"], row["start"]),
            "ends_at": clock.at(spec["date"], row["end"]) if row.get("end") else None,
            "title": row["title"],
            "description": row.get("description", ""),
        },
    )
    for item, row in zip(items.order_by("position"), data["agenda_items"], strict=True):
        _sync_children(
            item.speakers,
            row.get("speakers", []),
            key=lambda i, speaker: {"position": i},
            defaults=lambda i, speaker: {
                "role": speaker.get("role", Speaker.Role.SPEAKER),
                "honorific": speaker.get("honorific", ""),
                "name": speaker["name"],
                "job_title": speaker.get("job_title", ""),
                "organisation": speaker.get("organisation", ""),
            },
        )

    sessions = _sync_children(
        meeting.imrf_sessions,
        data["imrf_sessions"],
        key=lambda i, row: {"date": clock.date(row["date"]), "period": row["period"]},
        defaults=lambda i, row: {"title": row["title"], "facilitator": row.get("facilitator", "")},
    )
    by_slot = {(session.date, session.period): session for session in sessions}
    for row in data["imrf_sessions"]:
        session = by_slot[(clock.date(row["date"]), row["period"])]
        _sync_children(
            session.points,
            row.get("points", []),
            key=lambda i, point: {"position": i},
            defaults=lambda i, point: {"text": point["text"], "sub_points": "\n".join(point.get("sub_points", []))},
        )

    objectives = GcmObjective.objects.in_bulk(field_name="number")
    roundtables = _sync_children(
        meeting.roundtables,
        data["roundtables"],
        key=lambda i, row: {"number": row["number"]},
        defaults=lambda i, row: {"name": row["name"], "un_agencies": row["un_agencies"]},
    )
    for roundtable, row in zip(roundtables.order_by("number"), data["roundtables"], strict=True):
        roundtable.objectives.set([objectives[number] for number in row["objectives"]])

    return meeting
