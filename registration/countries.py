"""Countries as the UN names them: its Member and observer States per language, and the UNECE member States.

The names are UNTERM's short names, read once from `agenda/data/un-states.json` (written by
`manage.py build_un_names`); nothing else is offered as a country. Someone from anywhere else chooses
"Other (please specify)", stored as `COUNTRY_OTHER`, and types the name (`Registration.country_other`).
Every page, list, filter, export and report gets a country's name from `country_name` and its order from
`country_choices`, so one State is called the same everywhere in a language.
"""

import csv
import json
from dataclasses import dataclass
from functools import cache

from django.utils import translation
from django.utils.translation import gettext, pgettext

from agenda.data import UN_STATES_FILE, UNECE_MEMBER_STATES_FILE
from registration.collation import collation_key, site_language

# ISO 3166-1 keeps "ZZ" for its users and CLDR uses it for an unknown region: no State will ever have it.
COUNTRY_OTHER = "ZZ"


@dataclass(frozen=True)
class State:
    code: str  # ISO 3166-1 alpha-2, what registrations store
    iso3: str
    observer: bool  # a non-member observer State (Holy See, State of Palestine)
    names: dict[str, str]  # UNTERM short name by language code


@cache
def un_states() -> dict[str, State]:
    """The 193 Member States and 2 observer States, by ISO alpha-2 code."""
    with UN_STATES_FILE.open(encoding="utf-8") as handle:
        document = json.load(handle)
    return {
        row["iso2"]: State(row["iso2"], row["iso3"], row["status"] == "observer", row["names"])
        for row in document["states"]
    }


@cache
def unece_codes() -> frozenset[str]:
    """The ISO codes of the 56 UNECE member States (agenda/data/unece-member-states.csv)."""
    with UNECE_MEMBER_STATES_FILE.open(encoding="utf-8", newline="") as handle:
        return frozenset(row["iso2"] for row in csv.DictReader(handle))


def country_name(code: str, language: str | None = None) -> str:
    """What to call the country stored as `code`, in `language` (the active one by default).

    A State by its UN short name; `COUNTRY_OTHER` as "Other countries or areas" (the UN statistics' neutral
    words); a code from before the UN list, which a migration has since replaced, as the code itself.
    """
    state = un_states().get(code)
    if state is not None:
        return state.names[site_language(language)]
    if code == COUNTRY_OTHER:
        with translation.override(site_language(language)):
            return gettext("Other countries or areas")
    return code


@cache
def _ordered(language: str, codes: frozenset[str] | None) -> tuple[tuple[str, str], ...]:
    key = collation_key(language)
    states = (state for code, state in un_states().items() if codes is None or code in codes)
    return tuple(sorted(((state.code, state.names[language]) for state in states), key=lambda pair: key(pair[1])))


def country_choices(language: str | None = None) -> tuple[tuple[str, str], ...]:
    """Every Member and observer State as (code, name), in the order `language`'s readers sort its names."""
    return _ordered(site_language(language), None)


def unece_member_states(language: str | None = None) -> tuple[tuple[str, str], ...]:
    """The 56 UNECE member States as (code, name), in `language`'s order."""
    return _ordered(site_language(language), unece_codes())


def country_field_choices() -> list[tuple[str, str]]:
    """The model field's choices in the active language: every State in its order, then the other countries or areas.

    A callable, so the admin's filter and form and the exports name the States in the organiser's language,
    and the migrations record this function rather than 196 names.
    """
    return [*country_choices(), (COUNTRY_OTHER, country_name(COUNTRY_OTHER))]


def country_answer(code: str, other: str = "") -> str:
    """A registration's country as one line in the active language: "Other countries or areas: <what was typed>"."""
    if code == COUNTRY_OTHER and other:
        return pgettext("a label and its value", "%(label)s: %(value)s") % {
            "label": country_name(code),
            "value": other,
        }
    return country_name(code)
