"""Dates worded as each language's readers write them: "1er février 2022", "1 февраля 2022 года", "del 10 al 13…"."""

import datetime

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

# French writes the first day of a month as an ordinal ("1er février"), which Django's "j" cannot;
# in a format string a backslash makes the next character literal.
FRENCH_FIRST_DAY = r"\1\e\r"


def _french_first(fmt: str) -> str:
    """`fmt` with every unescaped "j" (day of the month) written as "1er"."""
    out, escaped = [], False
    for char in fmt:
        if escaped:
            out.append("\\" + char)
            escaped = False
        elif char == "\\":
            escaped = True
        else:
            out.append(FRENCH_FIRST_DAY if char == "j" else char)
    return "".join(out)


def date_words(value: datetime.date, fmt: str) -> str:
    """`value` in `fmt` (a translated format such as _("j F Y")), as the active language writes it."""
    if value.day == 1 and (translation.get_language() or "").split("-")[0] == "fr":
        fmt = _french_first(fmt)
    return date_format(value, fmt)


def date_range_pattern(start: datetime.date, end: datetime.date) -> tuple[str, str, str]:
    """The sentence for "from `start` to `end`" and both dates, as the language words a range.

    Within one month the first date is the day alone: "10 – 13 May 2022", "du 10 au 13 mai 2022",
    "del 10 al 13 de mayo de 2022", "10–13 мая 2022 года".
    """
    if (start.year, start.month) == (end.year, end.month):
        pattern = pgettext("a range of days in one month", "%(start)s – %(end)s")
        return pattern, date_words(start, "j"), date_words(end, _("j F Y"))
    pattern = pgettext("a range of dates", "%(start)s – %(end)s")
    return pattern, date_words(start, _("j F Y")), date_words(end, _("j F Y"))


def date_range_words(start: datetime.date, end: datetime.date) -> str:
    pattern, first, last = date_range_pattern(start, end)
    return pattern % {"start": first, "end": last}
