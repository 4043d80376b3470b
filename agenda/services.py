"""Writes to the agenda: loading the IMRF meeting from its data file, with its texts in each language.

Loading twice changes nothing: a row is saved only when a value differs, so `Meeting.updated_at`
and the page cache move only when the data file does.
"""

import csv
import datetime
import zoneinfo
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.conf import settings
from django.db import transaction
from django.utils import translation
from modeltranslation.utils import build_localized_fieldname

from agenda.data import DATA_DIR, GCM_OBJECTIVES_FILE, GCM_OBJECTIVES_TRANSLATED_FILE, IMRF_DATA_FILE
from agenda.models import (
    GcmObjective,
    InterpretationLanguage,
    KeyDate,
    Meeting,
    MeetingTopic,
    NoteParagraph,
    Speaker,
)
from agenda.translation import MeetingTranslationOptions

MEETING_FIELDS = ("time_zone", "format", "contact_email")
# Texts the data file may give per language, as agenda/translation.py stores them.
MEETING_TEXT_FIELDS = MeetingTranslationOptions.fields

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


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def localized(name: str, value: str | dict[str, str] | None) -> dict[str, str]:
    """The field values for text `name` in every language, from a data-file entry.

    A plain text is English; a mapping gives it per language ({en: ..., fr: ...}). A language it
    leaves out is stored empty, so the site shows the English text there, and reloading a file
    that drops a translation removes it.
    """
    texts = value if isinstance(value, dict) else {"en": value or ""}
    fields = {build_localized_fieldname(name, code): texts.get(code) or "" for code in _languages()}
    # The untranslated column keeps the English text, as modeltranslation expects of the default language.
    return {name: texts.get("en") or "", **fields}


def _localized_lines(name: str, items: list) -> dict[str, str]:
    """One line per item, per language; a language is kept only where every item has it."""
    items = [item if isinstance(item, dict) else {"en": item} for item in items]
    return localized(
        name,
        {code: "\n".join(item[code] for item in items) for code in _languages() if all(code in item for item in items)},
    )


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def gcm_objectives_load() -> int:
    """The 23 objectives of the compact (A/RES/73/195), in English and in each translated file found."""
    by_language = {"en": {int(row["number"]): row for row in _csv_rows(GCM_OBJECTIVES_FILE)}}
    for code in _languages():
        path = DATA_DIR / GCM_OBJECTIVES_TRANSLATED_FILE.format(language=code)
        if code != "en" and path.exists():
            by_language[code] = {int(row["number"]): row for row in _csv_rows(path)}
    for number in by_language["en"]:
        rows = {code: rows[number] for code, rows in by_language.items() if number in rows}
        _upsert(
            GcmObjective.objects,
            number=number,
            defaults={
                **localized("title", {code: row["title"] for code, row in rows.items()}),
                **localized("short_label", {code: row["short_label"] for code, row in rows.items()}),
            },
        )
    return len(by_language["en"])


def upcoming_shift(*, meeting_date: datetime.date, today: datetime.date) -> datetime.timedelta:
    """Whole weeks, so Tuesday's meeting stays on a Tuesday, at least 30 days from today."""
    days = (today + datetime.timedelta(days=UPCOMING_LEAD_DAYS) - meeting_date).days
    return datetime.timedelta(weeks=-(-days // 7))


def _upsert(manager, *, defaults, **key):
    """Like `update_or_create`, but saves only when a value differs (which moves `auto_now` fields)."""
    obj = manager.filter(**key).first()
    if obj is None:
        return manager.create(**{**key, **defaults})
    changed = [name for name, value in defaults.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, defaults[name])
        obj.save()
    return obj


def _sync_children(manager, rows, *, key, defaults):
    """Update rows in place by natural key and delete the rest, so reloading keeps primary keys."""
    kept = []
    for index, row in enumerate(rows):
        obj = _upsert(manager, **key(index, row), defaults=defaults(index, row))
        kept.append(obj.pk)
    manager.exclude(pk__in=kept).delete()
    return manager.filter(pk__in=kept)


@transaction.atomic
def meeting_load_imrf(
    *, path: Path = IMRF_DATA_FILE, today: datetime.date | None = None, slug: str | None = None
) -> Meeting:
    """Load the meeting from its data file; with `today`, shift every date so it is 30 days ahead.

    The meeting is the one at the file's slug, created or updated; with `slug`, the one at that
    slug instead, so the concept note can be loaded as a second meeting (demonstrations, tests).
    Raises ValidationError for a slug the model refuses: malformed, too long, or one the site uses itself.
    """
    if slug is not None:
        # The model field's own validators: a slug's form, its length, and the site's reserved paths.
        Meeting._meta.get_field("slug").run_validators(slug)
    # In English, so lookups by a text (a key date's title) and the untranslated columns are English,
    # whatever language the caller had active.
    with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE):
        return _meeting_load(path=path, today=today, slug=slug)


def _meeting_load(*, path: Path, today: datetime.date | None, slug: str | None) -> Meeting:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    spec = data["meeting"]
    tz = zoneinfo.ZoneInfo(spec["time_zone"])
    shift = upcoming_shift(meeting_date=spec["date"], today=today) if today else datetime.timedelta()
    clock = _Clock(tz=tz, shift=shift)

    gcm_objectives_load()
    meeting_fields = {name: spec[name] for name in MEETING_FIELDS}
    for name in MEETING_TEXT_FIELDS:
        meeting_fields.update(localized(name, spec.get(name)))
    meeting = _upsert(
        Meeting.objects,
        slug=slug or spec["slug"],
        defaults={
            **meeting_fields,
            "starts_at": clock.at(spec["date"], spec["start"]),
            "ends_at": clock.at(spec["date"], spec["end"]),
            "registration_deadline": clock.date(spec["registration_deadline"]),
            # The concept note's meeting is for the public site as soon as it is loaded.
            "is_published": True,
        },
    )

    languages = [
        _upsert(
            InterpretationLanguage.objects,
            code=row["code"],
            defaults={**localized("name", row["name"]), "position": index},
        )
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
        defaults=lambda i, row: localized("text", row[1]),
    )
    _sync_children(
        meeting.key_dates,
        data["key_dates"],
        key=lambda i, row: {"title": localized("title", row["title"])["title"]},
        defaults=lambda i, row: {
            "date": clock.date(row["date"]),
            "end_date": clock.date(row["end_date"]) if row.get("end_date") else None,
            "precision": row.get("precision", KeyDate.Precision.DAY),
            **localized("title", row["title"]),
            **localized("description", row.get("description")),
        },
    )

    items = _sync_children(
        meeting.agenda_items,
        data["agenda_items"],
        key=lambda i, row: {"position": i},
        defaults=lambda i, row: {
            "starts_at": clock.at(spec["date"], row["start"]),
            "ends_at": clock.at(spec["date"], row["end"]) if row.get("end") else None,
            **localized("title", row["title"]),
            **localized("description", row.get("description")),
        },
    )
    for item, row in zip(items.order_by("position"), data["agenda_items"], strict=True):
        _sync_children(
            item.speakers,
            row.get("speakers", []),
            key=lambda i, speaker: {"position": i},
            defaults=lambda i, speaker: {
                "role": speaker.get("role", Speaker.Role.SPEAKER),
                **localized("honorific", speaker.get("honorific")),
                **localized("name", speaker["name"]),
                **localized("job_title", speaker.get("job_title")),
                **localized("organisation", speaker.get("organisation")),
            },
        )

    sessions = _sync_children(
        meeting.imrf_sessions,
        data["imrf_sessions"],
        key=lambda i, row: {"date": clock.date(row["date"]), "period": row["period"]},
        defaults=lambda i, row: {
            **localized("title", row["title"]),
            **localized("facilitator", row.get("facilitator")),
        },
    )
    by_slot = {(session.date, session.period): session for session in sessions}
    for row in data["imrf_sessions"]:
        session = by_slot[(clock.date(row["date"]), row["period"])]
        _sync_children(
            session.points,
            row.get("points", []),
            key=lambda i, point: {"position": i},
            defaults=lambda i, point: {
                **localized("text", point["text"]),
                **_localized_lines("sub_points", point.get("sub_points", [])),
            },
        )

    objectives = GcmObjective.objects.in_bulk(field_name="number")
    roundtables = _sync_children(
        meeting.roundtables,
        data["roundtables"],
        key=lambda i, row: {"number": row["number"]},
        defaults=lambda i, row: {**localized("name", row["name"]), **localized("un_agencies", row["un_agencies"])},
    )
    for roundtable, row in zip(roundtables.order_by("number"), data["roundtables"], strict=True):
        roundtable.objectives.set([objectives[number] for number in row["objectives"]])

    _concept_note_load(meeting=meeting, note=data["concept_note"])
    return meeting


def _concept_note_load(*, meeting: Meeting, note: dict) -> None:
    """The note's links, footnotes, then its sections and their paragraphs."""
    _sync_children(
        meeting.note_links,
        note["links"],
        key=lambda i, row: {"key": row["key"]},
        # An address the file leaves empty keeps the one organisers entered in the admin.
        defaults=lambda i, row: {"url": row["url"]} if row.get("url") else {},
    )
    _sync_children(
        meeting.note_footnotes,
        note["footnotes"],
        key=lambda i, row: {"number": row["number"]},
        defaults=lambda i, row: localized("text", row["text"]),
    )
    sections = _sync_children(
        meeting.note_sections,
        note["sections"],
        key=lambda i, row: {"position": i},
        defaults=lambda i, row: localized("heading", row["heading"]),
    )
    for section, row in zip(sections.order_by("position"), note["sections"], strict=True):
        _sync_children(
            section.paragraphs,
            row["paragraphs"],
            key=lambda i, paragraph: {"position": i},
            defaults=lambda i, paragraph: {
                "kind": paragraph.get("kind", NoteParagraph.Kind.PARAGRAPH),
                **localized("text", paragraph["text"]),
            },
        )


def meeting_publish(*, meeting: Meeting, published: bool = True) -> bool:
    """Put a meeting on the public site (or, with `published=False`, back to a draft); return whether it changed.

    Saved, not updated in bulk, so the page cache hears of it (agenda/signals.py).
    """
    if meeting.is_published == published:
        return False
    meeting.is_published = published
    meeting.save(update_fields=["is_published", "updated_at"])
    return True
