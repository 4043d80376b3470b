"""The UNECE member States, read once from the reference file in agenda/data."""

import csv
from functools import cache

from agenda.data import UNECE_MEMBER_STATES_FILE


@cache
def unece_member_states() -> tuple[tuple[str, str], ...]:
    """The 56 UNECE member States as (ISO code, UN short name), in the reference file's order."""
    with UNECE_MEMBER_STATES_FILE.open(encoding="utf-8", newline="") as handle:
        return tuple((row["iso2"], row["name"]) for row in csv.DictReader(handle))
