"""The list of participants of a meeting, built from its confirmed registrations that agreed to be listed."""

import datetime
from dataclasses import dataclass

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from agenda.dates import date_range_words, date_words
from agenda.models import Meeting
from documents.ordering import (
    IGOS,
    MEMBER_STATES,
    OBSERVER_STATES,
    UN_SYSTEM,
    Entry,
    Section,
    entries_grouped,
)
from registration.countries import COUNTRY_OTHER, country_name, un_states
from registration.models import Registration

CATEGORY = Registration.Category
# Stakeholder categories whose section is the category itself (`ordering.STAKEHOLDER_SECTIONS`).
ORGANISATION_SECTIONS = {CATEGORY.UN_SYSTEM: UN_SYSTEM, CATEGORY.IGO: IGOS}


def listed_registrations(*, meeting: Meeting):
    """Who may be on the list: confirmed (active, not erased) and agreed to be listed. Nobody else, ever."""
    return Registration.objects.reachable().filter(meeting=meeting, listed_publicly=True)


def registration_entry(registration: Registration, *, language: str) -> Entry:
    """Where one registration stands on the list in `language`: under its State or organisation, and, for a
    delegation's member, with their role in it (the head first; see `ordering.ROLES`)."""
    # A delegation's members are registrations like any other (delegations app), with their role beside them.
    member = getattr(registration, "delegation_member", None)
    names = {
        "honorific": registration.honorific,
        "first_name": registration.first_name,
        "last_name": registration.last_name,
        "job_title": registration.job_title,
        "role": member.role if member is not None and member.withdrawn_at is None else None,
    }
    if registration.category == CATEGORY.MEMBER_STATE:
        state = un_states().get(registration.country)
        if state is not None:
            section = OBSERVER_STATES if state.observer else MEMBER_STATES
            return Entry(section=section, group=country_name(state.code, language), group_key=state.code, **names)
        # A government of a country or area outside the UN's list: listed with the others, by the name typed.
        group = registration.country_other or country_name(COUNTRY_OTHER, language)
        return Entry(section=CATEGORY.OTHER, group=group, **names)
    section = ORGANISATION_SECTIONS.get(registration.category, registration.category)
    return Entry(section=section, group=registration.organisation.strip(), **names)


def list_entries(*, meeting: Meeting, language: str) -> list[Entry]:
    """Every entry of the meeting's list in `language`, unordered: individuals and delegations' members alike."""
    fields = ("honorific", "first_name", "last_name", "job_title", "category", "country", "country_other")
    registrations = (
        listed_registrations(meeting=meeting)
        .select_related("delegation_member")
        .only(*fields, "organisation", "delegation_member__role", "delegation_member__withdrawn_at")
    )
    return [registration_entry(registration, language=language) for registration in registrations.iterator()]


def meeting_dates(meeting: Meeting) -> str:
    """The meeting's date or dates, worded in the active language."""
    start = meeting.starts_at.astimezone(meeting.tzinfo).date()
    end = meeting.ends_at.astimezone(meeting.tzinfo).date()
    if start == end:
        return date_words(start, _("j F Y"))
    return date_range_words(start, end)


@dataclass(frozen=True)
class ListOfParticipantsDocument:
    """The list in one language: its heading lines and its sections."""

    language: str
    heading: list[str]
    sections: list[Section]
    count: int
    built_at: datetime.datetime


def list_of_participants_get(*, meeting: Meeting, language: str) -> ListOfParticipantsDocument:
    """The meeting's list of participants in `language`: title, dates and sections in that language."""
    with translation.override(language):
        entries = list_entries(meeting=meeting, language=language)
        heading = [meeting.title, meeting_dates(meeting), _("List of participants")]
        sections = entries_grouped(entries, language=language)
    return ListOfParticipantsDocument(
        language=language, heading=heading, sections=sections, count=len(entries), built_at=timezone.now()
    )
