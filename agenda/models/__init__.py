"""The agenda app's models: the meeting and its schedule, and the concept note's own text."""

from agenda.models.categories import StakeholderCategory
from agenda.models.concept_note import NoteFootnote, NoteLink, NoteParagraph, NoteSection, note_text_validate
from agenda.models.meeting import (
    RESERVED_SLUGS,
    AgendaItem,
    GcmObjective,
    ImrfSession,
    ImrfSessionPoint,
    InterpretationLanguage,
    KeyDate,
    Meeting,
    MeetingTopic,
    Roundtable,
    Speaker,
    validate_meeting_slug,
    validate_time_zone,
)

__all__ = [
    "RESERVED_SLUGS",
    "AgendaItem",
    "GcmObjective",
    "ImrfSession",
    "ImrfSessionPoint",
    "InterpretationLanguage",
    "KeyDate",
    "Meeting",
    "MeetingTopic",
    "NoteFootnote",
    "NoteLink",
    "NoteParagraph",
    "NoteSection",
    "Roundtable",
    "Speaker",
    "StakeholderCategory",
    "note_text_validate",
    "validate_meeting_slug",
    "validate_time_zone",
]
