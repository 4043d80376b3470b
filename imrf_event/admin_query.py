"""Admin query strings no database can take: refused with the site's 400 page before any list is built."""

from django.core.exceptions import BadRequest
from django.db.models.constants import LOOKUP_SEP

# Date parts a list filter or the date bar may be asked for, with the largest value a date can hold.
# Python's dates end in the year 9999; a larger number overflowed while the query was compiled (a 500).
DATE_PART_LIMITS = {"year": 9999, "iso_year": 9999, "month": 12, "day": 31, "week": 53, "week_day": 7, "quarter": 4}
# Long enough for any real value; a number this long is an attack on the converter, not a filter.
DATE_PART_DIGITS = 6


def admin_query_check(query) -> None:
    """Raise BadRequest (400) for a NUL byte anywhere in the query or an impossible date part.

    PostgreSQL refuses NUL in text, and psycopg raised it as a ValueError only once the list was
    read; a date part past its range raised OverflowError then too. Both are refused for every
    admin page at once, lists, exports and autocomplete alike, whatever filters they accept.
    """
    for key, values in query.lists():
        if "\x00" in key or any("\x00" in value for value in values):
            raise BadRequest("A NUL byte in the query string.")
        limit = DATE_PART_LIMITS.get(key.rsplit(LOOKUP_SEP, 1)[-1]) if LOOKUP_SEP in key else None
        if limit is None:
            continue
        for value in values:
            digits = value.strip().lstrip("+-")
            if digits.isdigit() and (len(digits) > DATE_PART_DIGITS or int(digits) > limit):
                raise BadRequest("A date part out of range in the query string.")
