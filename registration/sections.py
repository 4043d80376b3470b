"""The registration's sections, written once: the public form, its layout and the admin's fieldsets follow them."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from registration.models import ACCESSIBILITY_FIELDS, DIVERSITY_FIELDS


@dataclass(frozen=True)
class Section:
    key: str  # what code refers to the section by; the title is translated
    title: str | Promise
    fields: tuple[str, ...]


# What a participant answers, in the order they see it. Fields that only some people answer
# (`category_other`, `intervention_group`, …) are here too: the rules module says when they apply.
REGISTRATION_SECTIONS = (
    Section("about", _("About you"), ("honorific", "first_name", "last_name", "email", "job_title", "organisation")),
    Section(
        "represent",
        _("Whom you represent"),
        ("category", "category_other", "country", "country_other", "imrf_attendance_level", "accreditation_route"),
    ),
    Section("interpretation", _("Interpretation"), ("listening_language", "other_language", "other_language_reason")),
    Section("diversity", _("Gender and diversity"), DIVERSITY_FIELDS),
    Section("accessibility", _("Accessibility"), ACCESSIBILITY_FIELDS),
    Section(
        "floor",
        _("Taking the floor"),
        ("wishes_to_speak", "intervention_topic", "intervention_coordination", "intervention_group", "questions"),
    ),
    Section("consent", _("Consent"), ("listed_publicly",)),
)

# Every field a participant fills in, in form order.
PARTICIPANT_FIELDS = tuple(name for section in REGISTRATION_SECTIONS for name in section.fields)

# The sections a meeting may leave out of its form, each with the meeting's switch that asks it.
OPTIONAL_SECTIONS = {
    "diversity": "asks_diversity",
    "accessibility": "asks_accessibility",
    "floor": "asks_to_take_the_floor",
}


def sections_for_meeting(meeting) -> tuple[Section, ...]:
    """The sections `meeting`'s form asks, in order: every one but the optional sections it switched off."""
    return tuple(
        section
        for section in REGISTRATION_SECTIONS
        if section.key not in OPTIONAL_SECTIONS or getattr(meeting, OPTIONAL_SECTIONS[section.key])
    )
