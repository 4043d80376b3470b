"""The paragraph of the meeting's report that says who was represented, in each of the site's languages.

From the imported attendance when there is one (those matched to a registration), else from the confirmed
registrations; `AttendanceParagraph.from_attendance` says which, for the page to tell the organiser.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, ngettext, pgettext

from agenda.models import Meeting
from registration.collation import collation_key
from registration.countries import country_name, un_states, unece_codes
from registration.models import Attendance, AttendanceImport, Registration

CATEGORY = Registration.Category
ORGANISATION_CATEGORIES = (CATEGORY.UN_SYSTEM, CATEGORY.IGO)


@dataclass(frozen=True)
class Represented:
    """Who was represented: States by code, organisations by name, and how many stakeholder organisations."""

    unece_states: set[str]
    other_states: set[str]
    observer_states: set[str]
    un_entities: list[str]
    igos: list[str]
    stakeholder_count: int


def _distinct(names) -> list[str]:
    """Organisations once each, whatever the letter case and spaces typed: the first spelling met is kept."""
    seen = {}
    for name in names:
        cleaned = " ".join(name.split())
        if cleaned:
            seen.setdefault(cleaned.casefold(), cleaned)
    return list(seen.values())


def represented_at(*, registrations) -> Represented:
    unece, states, observers = set(), set(), set()
    organisations = {CATEGORY.UN_SYSTEM: [], CATEGORY.IGO: []}
    stakeholders = []
    for category, country, organisation in registrations.values_list("category", "country", "organisation"):
        if category == CATEGORY.MEMBER_STATE:
            state = un_states().get(country)
            if state is None:
                continue  # a government of a country or area outside the UN's list is no State the report names
            if state.observer:
                observers.add(country)
            else:
                (unece if country in unece_codes() else states).add(country)
        elif category in ORGANISATION_CATEGORIES:
            organisations[category].append(organisation)
        else:
            stakeholders.append(organisation)
    return Represented(
        unece_states=unece,
        other_states=states,
        observer_states=observers,
        un_entities=_distinct(organisations[CATEGORY.UN_SYSTEM]),
        igos=_distinct(organisations[CATEGORY.IGO]),
        stakeholder_count=len(_distinct(stakeholders)),
    )


def names_joined(names: list[str], *, language: str) -> str:
    """ "A, B and C" as the language writes it; Spanish writes "e" for "y" before an "i" sound ("Chile e Italia")."""
    if len(names) == 1:
        return names[0]
    last = names[-1]
    if language == "es" and last.lower().startswith(("i", "hi")) and not last.lower().startswith(("hia", "hie")):
        pattern = "%(items)s e %(last)s"
    else:
        pattern = pgettext("the last two items of a list", "%(items)s and %(last)s")
    return pattern % {"items": ", ".join(names[:-1]), "last": last}


def paragraph_text(represented: Represented, *, language: str) -> str:
    """The paragraph in `language`, States and organisations in its alphabetical order; empty groups left out."""
    key = collation_key(language)

    def states(codes):
        return names_joined(sorted((country_name(code, language) for code in codes), key=key), language=language)

    def organisations(names):
        return names_joined(sorted(names, key=key), language=language)

    with translation.override(language):
        sentences = []
        if represented.unece_states:
            sentences.append(
                gettext(
                    "The following member States of the Economic Commission for Europe were represented: %(names)s."
                )
                % {"names": states(represented.unece_states)}
            )
        if represented.other_states:
            sentences.append(
                gettext("The following other States Members of the United Nations were represented: %(names)s.")
                % {"names": states(represented.other_states)}
            )
        if represented.observer_states:
            sentences.append(
                gettext("The following observer States were represented: %(names)s.")
                % {"names": states(represented.observer_states)}
            )
        if represented.un_entities:
            sentences.append(
                gettext("The following United Nations entities were represented: %(names)s.")
                % {"names": organisations(represented.un_entities)}
            )
        if represented.igos:
            sentences.append(
                gettext("The following other intergovernmental organisations were represented: %(names)s.")
                % {"names": organisations(represented.igos)}
            )
        if represented.stakeholder_count:
            count = represented.stakeholder_count
            sentences.append(
                ngettext(
                    "In addition, one civil society or other stakeholder organisation was represented.",
                    "In addition, %(count)d civil society and other stakeholder organisations were represented.",
                    count,
                )
                % {"count": count}
            )
        return " ".join(sentences)


@dataclass(frozen=True)
class AttendanceParagraph:
    from_attendance: bool
    texts: list[tuple[str, str]]  # (language code, paragraph), in the site's languages


def attendance_paragraph_get(*, meeting: Meeting) -> AttendanceParagraph:
    """The paragraph in every site language, from the imported attendance if any, else the confirmed registrations."""
    from_attendance = AttendanceImport.objects.filter(meeting=meeting).exists()
    if from_attendance:
        attended = Attendance.objects.filter(meeting=meeting, registration__isnull=False, ignored=False)
        registrations = Registration.objects.filter(pk__in=attended.values("registration_id"))
    else:
        registrations = Registration.objects.reachable().filter(meeting=meeting)
    represented = represented_at(registrations=registrations)
    texts = [(code, paragraph_text(represented, language=code)) for code, _name in settings.LANGUAGES]
    return AttendanceParagraph(from_attendance=from_attendance, texts=texts)
