"""Copying a meeting's structure into a draft for the next one, and the signal other apps copy their parts on.

Why a signal: the registration app holds a meeting's reminders, and it may import the agenda, never
the reverse. `meeting_copy` sends `meeting_copied` inside its transaction, after the agenda's part is
written; registration/signals.py copies the reminders there. A receiver that fails rolls the whole
copy back, so no meeting is left half-copied. Registrations and emails belong to the people of one
meeting and are never copied.
"""

import datetime

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from agenda.models import Meeting
from agenda.services import localized

# Sent with `source`, `copy` (both Meetings) and `days` (the whole days the dates moved by).
meeting_copied = Signal()


def _clone(obj, **changes):
    """A new row with `obj`'s values (every language of its texts included) and `changes`."""
    obj.pk = None
    obj.id = None
    obj._state.adding = True
    # Prefetched relations are the original's: left in place, `copy.objectives.set(...)` would see them as done.
    obj.__dict__.pop("_prefetched_objects_cache", None)
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.save()
    return obj


def _shift_time(value: datetime.datetime | None, *, days: int, tz) -> datetime.datetime | None:
    # Moved on the wall clock of the meeting's zone, so 09:00 stays 09:00 across a change of summer time.
    if value is None:
        return None
    local = timezone.localtime(value, tz)
    return datetime.datetime.combine(local.date() + datetime.timedelta(days=days), local.time(), tzinfo=tz)


def _shift_date(value: datetime.date | None, *, days: int) -> datetime.date | None:
    return None if value is None else value + datetime.timedelta(days=days)


@transaction.atomic
def meeting_copy(*, meeting: Meeting, slug: str, title: str, starts_on: datetime.date) -> Meeting:
    """A draft meeting with `meeting`'s structure, starting on `starts_on` at the same local time.

    Copied: every text in every language (the title is `title`, in every language until translated),
    settings, interpretation languages, team, topics, key dates, agenda items and their speakers,
    IMRF sessions and their points, roundtables and their objectives, the concept note's sections,
    paragraphs, footnotes and links, and (through `meeting_copied`) the reminders. Every date moves
    by the same number of days as the start. Not copied: registrations and emails.
    """
    source = Meeting.objects.get(pk=meeting.pk)
    tz = source.tzinfo
    days = (starts_on - timezone.localtime(source.starts_at, tz).date()).days
    languages = list(source.interpretation_languages.all())
    team = list(source.team.all())
    copy = _clone(
        Meeting.objects.get(pk=meeting.pk),
        slug=slug,
        **localized("title", title),
        starts_at=_shift_time(source.starts_at, days=days, tz=tz),
        ends_at=_shift_time(source.ends_at, days=days, tz=tz),
        registration_deadline=_shift_date(source.registration_deadline, days=days),
        is_published=False,
    )
    copy.interpretation_languages.set(languages)
    copy.team.set(team)

    for topic in source.topics.all():
        _clone(topic, meeting=copy)
    for key_date in source.key_dates.all():
        _clone(
            key_date,
            meeting=copy,
            date=_shift_date(key_date.date, days=days),
            end_date=_shift_date(key_date.end_date, days=days),
        )
    for item in source.agenda_items.prefetch_related("speakers"):
        speakers = list(item.speakers.all())
        new_item = _clone(
            item,
            meeting=copy,
            starts_at=_shift_time(item.starts_at, days=days, tz=tz),
            ends_at=_shift_time(item.ends_at, days=days, tz=tz),
        )
        for speaker in speakers:
            _clone(speaker, agenda_item=new_item)
    for session in source.imrf_sessions.prefetch_related("points"):
        points = list(session.points.all())
        new_session = _clone(session, meeting=copy, date=_shift_date(session.date, days=days))
        for point in points:
            _clone(point, session=new_session)
    for roundtable in source.roundtables.prefetch_related("objectives"):
        objectives = list(roundtable.objectives.all())
        _clone(roundtable, meeting=copy).objectives.set(objectives)
    _concept_note_copy(source=source, copy=copy)

    meeting_copied.send(sender=Meeting, source=source, copy=copy, days=days)
    return copy


def _concept_note_copy(*, source: Meeting, copy: Meeting) -> None:
    for link in source.note_links.all():
        _clone(link, meeting=copy)
    for footnote in source.note_footnotes.all():
        _clone(footnote, meeting=copy)
    for section in source.note_sections.prefetch_related("paragraphs"):
        paragraphs = list(section.paragraphs.all())
        new_section = _clone(section, meeting=copy)
        for paragraph in paragraphs:
            _clone(paragraph, section=new_section)
