"""The States and organisations represented at a meeting, as the public page shows them: no person's name."""

from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import pgettext

from agenda.models import Meeting
from documents.models import ListOfParticipants
from documents.ordering import (
    MEMBER_STATES,
    OBSERVER_STATES,
    SECTION_TITLES,
    SECTIONS,
    STAKEHOLDER_SECTIONS,
    STAKEHOLDERS_TITLE,
)
from documents.participants import list_entries
from registration.collation import collation_key, site_language
from registration.countries import country_name
from registration.models import Registration


def represented_snapshot(*, meeting: Meeting) -> list[dict]:
    """The version to publish: per section, the States by code or the organisations as typed (once each).

    Kept by code for States, so each reader gets them in their own language; organisations have one name.
    """
    found: dict[str, set[str]] = {}
    for entry in list_entries(meeting=meeting, language="en"):
        found.setdefault(entry.section, set()).add(entry.group_key or entry.group)
    return [{"section": section, "names": sorted(found[section])} for section in SECTIONS if section in found]


@dataclass(frozen=True)
class RepresentedSection:
    title: str
    names: list[str]


@dataclass(frozen=True)
class Represented:
    sections: list[RepresentedSection]
    names_published: bool


def represented_get(*, meeting: Meeting, language: str | None = None) -> Represented | None:
    """The published version in the reader's language, or None while the team has not published one."""
    published = ListOfParticipants.objects.filter(meeting=meeting, published_at__isnull=False).first()
    if published is None:
        return None
    language = site_language(language)
    key = collation_key(language)
    sections = []
    with translation.override(language):
        for part in published.represented:
            sections.append(_section(part, language=language, key=key))
    return Represented(sections=sections, names_published=published.names_published)


def _section(part: dict, *, language: str, key) -> RepresentedSection:
    section = part["section"]
    if section in STAKEHOLDER_SECTIONS:
        title = pgettext("a label and its value", "%(label)s: %(value)s") % {
            "label": STAKEHOLDERS_TITLE,
            "value": Registration.Category(section).label,
        }
    else:
        title = str(SECTION_TITLES[section])
    states = section in (MEMBER_STATES, OBSERVER_STATES)
    names = [country_name(code, language) if states else code for code in part["names"]]
    return RepresentedSection(title=str(title), names=sorted(names, key=key))
