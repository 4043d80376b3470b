"""The UN Member and observer States by their UNTERM short names, written from OCHA's taxonomy as a JSON file.

`manage.py build_un_names` calls `un_states_json` on the rows of the Countries & Territories taxonomy that
`hdx-python-country` ships; the site reads only the file it writes (`agenda.data.UN_STATES_FILE`), so the
package and its dozens of dependencies are needed to rebuild the file, never to run the site.
"""

import json
from collections.abc import Iterable, Mapping

# The taxonomy's columns. "Appears in UNTERM list" marks the 197 entries UNTERM lists as States; of
# those, the DGACM list (the General Assembly's) holds the 193 Members. UNTERM also lists the Cook
# Islands and Niue, which are States but neither Members nor observers, so the observers are named here.
UNTERM_LISTED = "Appears in UNTERM list"
MEMBER_LISTED = "Appears in DGACM list"
OBSERVER_STATES = {"VAT": "Holy See", "PSE": "State of Palestine"}
SHORT_NAME_COLUMNS = {
    "en": "English Short",
    "fr": "French Short",
    "es": "Spanish Short",
    "ru": "Russian Short",
    "zh": "Chinese Short",
    "ar": "Arabic Short",
}
# Where the taxonomy's copy lags UNTERM: (ISO alpha-3, language) -> (the taxonomy's name, UNTERM's).
# Türkiye asked in 2022 to be called so in every language; UNTERM's Russian short name became
# "Тюркийе", the taxonomy kept "Турция". Each correction applies only while the taxonomy still has the
# old name, so a taxonomy that has caught up (or changed otherwise) stops the build instead of being overwritten.
CORRECTIONS = {("TUR", "ru"): ("Турция", "Тюркийе")}


class TaxonomyError(ValueError):
    """The taxonomy does not hold what the file needs: the build stops rather than write a wrong list."""


def _state(row: Mapping[str, str | None]) -> dict:
    iso3 = row["ISO 3166-1 Alpha 3-Codes"]
    names = {}
    for language, column in SHORT_NAME_COLUMNS.items():
        name = (row.get(column) or "").strip()
        if (iso3, language) in CORRECTIONS:
            expected, corrected = CORRECTIONS[iso3, language]
            if name != expected:
                raise TaxonomyError(
                    f"{iso3} in {language} is {name!r}, not {expected!r}: check UNTERM and update CORRECTIONS."
                )
            name = corrected
        if not name:
            raise TaxonomyError(f"{iso3} has no {column} name.")
        names[language] = name
    return {
        "iso2": row["ISO 3166-1 Alpha 2-Codes"],
        "iso3": iso3,
        "status": "member" if row.get(MEMBER_LISTED) == "Y" else "observer",
        "names": names,
    }


def un_states_json(*, rows: Iterable[Mapping[str, str | None]], source: str) -> str:
    """The file's text: each Member and observer State by ISO alpha-2 code, its short names per language.

    `rows` are the taxonomy's rows as dicts keyed by its column headings; `source` says which release.
    """
    states = [
        _state(row)
        for row in rows
        if row.get(UNTERM_LISTED) == "Y"
        and (row.get(MEMBER_LISTED) == "Y" or row.get("ISO 3166-1 Alpha 3-Codes") in OBSERVER_STATES)
    ]
    members = sum(1 for state in states if state["status"] == "member")
    observers = {state["iso3"] for state in states if state["status"] == "observer"}
    if members != 193 or observers != set(OBSERVER_STATES):
        raise TaxonomyError(
            f"Expected 193 Members and the observers {sorted(OBSERVER_STATES)}; got {members} and {sorted(observers)}."
        )
    states.sort(key=lambda state: state["iso2"])
    # One State a line, so a rebuild's diff shows which names changed.
    lines = ",\n".join("  " + json.dumps(state, ensure_ascii=False) for state in states)
    header = {"source": source, "languages": list(SHORT_NAME_COLUMNS)}
    return json.dumps(header, ensure_ascii=False)[:-1] + ', "states": [\n' + lines + "\n]}\n"
