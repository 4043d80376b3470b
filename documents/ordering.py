"""The order of a UN list of participants: sections, States and organisations in the language's order, then roles.

Pure functions over entries, so that every source of entries (individual registrations, the members of a
delegation) is placed by the same rule: a delegation's members are entries of the
same State or organisation with a `role`, and come head first, then alternates, advisers and members.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from registration.collation import collation_key
from registration.models import Registration

# The sections of a UN list of participants, in its order; the stakeholder categories follow the form's.
MEMBER_STATES = "member_states"
OBSERVER_STATES = "observer_states"
UN_SYSTEM = "un_system"
IGOS = "igo"
STAKEHOLDER_SECTIONS = (
    "civil_society",
    "migrant_diaspora",
    "private_sector",
    "trade_union",
    "academia",
    "local_authority",
    "other",
)
SECTIONS = (MEMBER_STATES, OBSERVER_STATES, UN_SYSTEM, IGOS, *STAKEHOLDER_SECTIONS)
SECTION_TITLES = {
    MEMBER_STATES: _("Member States"),
    OBSERVER_STATES: _("Observer States"),
    UN_SYSTEM: _("United Nations system"),
    IGOS: _("Other intergovernmental organisations"),
}
# The one heading above every stakeholder category, as UN lists group them.
STAKEHOLDERS_TITLE = _("Civil society and other stakeholders")

# Within a delegation: the head, then alternates, advisers and members; someone registered alone (no role) last.
ROLES = ("head", "alternate", "adviser", "member", None)


@dataclass(frozen=True)
class Entry:
    """One person on the list: the section and the State or organisation they are listed under, and their role."""

    section: str
    group: str  # the State's name in the list's language, or the organisation as typed
    honorific: str
    first_name: str
    last_name: str
    job_title: str
    role: str | None = None
    group_key: str = ""  # a State's code, so the public page can name it in its reader's language

    @property
    def printed_name(self) -> str:
        """The name as UN lists print it: the family name in capitals, after the given name and the title."""
        return " ".join(part for part in (self.honorific, self.first_name, self.last_name.upper()) if part)


def entry_sort_key(language: str):
    """The key that sorts entries in a list in `language`: section, group by name, role, family name, given name."""
    key = collation_key(language)

    def sort_key(entry: Entry):
        return (
            SECTIONS.index(entry.section),
            key(entry.group),
            entry.group,
            ROLES.index(entry.role),
            key(entry.last_name),
            key(entry.first_name),
        )

    return sort_key


def entries_ordered(entries: Iterable[Entry], *, language: str) -> list[Entry]:
    return sorted(entries, key=entry_sort_key(language))


@dataclass(frozen=True)
class Group:
    name: str
    entries: list[Entry]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    groups: list[Group]


def entries_grouped(entries: Iterable[Entry], *, language: str) -> list[Section]:
    """The entries in order, as sections of groups (each State or organisation once, its people under it)."""
    sections: list[Section] = []
    for entry in entries_ordered(entries, language=language):
        if not sections or sections[-1].key != entry.section:
            title = SECTION_TITLES.get(entry.section) or Registration.Category(entry.section).label
            sections.append(Section(key=entry.section, title=str(title), groups=[]))
        groups = sections[-1].groups
        if not groups or groups[-1].name != entry.group:
            groups.append(Group(name=entry.group, entries=[]))
        groups[-1].entries.append(entry)
    return sections
