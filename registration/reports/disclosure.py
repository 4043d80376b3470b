"""Counts of personal answers made safe to show: no group of 1 to 4 people can be read or worked out."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# Fewer people than this in a group are never shown as a number, so no one can be singled out.
SMALL_GROUP = 5


@dataclass(frozen=True)
class SafeCount:
    """A count in an aggregate of personal answers, shown as a number only when that singles no one out.

    `secondary` marks a count hidden so that a small one beside it cannot be worked out from the total.
    """

    value: int
    hidden: bool = False
    secondary: bool = False

    def __str__(self):
        if not self.hidden:
            return str(self.value)
        if self.secondary:
            return str(_("not shown"))
        return str(_("fewer than 5"))


def _every_small_count_could_be_zero(values: list[int], small: set[int], secondary: set[int]) -> bool:
    # The reader knows the total and this rule: a small count lies in 0–4, a secondary one between 5 and
    # the smallest count still shown. If the hidden sum is more than the others could hold, a small count
    # is at least 1, and "this category has someone non-binary" is what must not be learnt.
    hidden = small | secondary
    hidden_sum = sum(values[index] for index in hidden)
    shown = [value for index, value in enumerate(values) if index not in hidden]
    if secondary and not shown:
        return True
    ceiling = min(shown, default=0)
    return hidden_sum <= (SMALL_GROUP - 1) * (len(small) - 1) + len(secondary) * ceiling


def counts_protect(values: list[int]) -> list[SafeCount]:
    """The counts of one line whose total is public, with every group under 5 hidden and kept from subtraction.

    Each count under 5, zeros included, is "fewer than 5": a zero shown beside a hidden 1 would let the
    total give the 1 away. Then the smallest counts still shown are hidden too ("not shown") until no
    small count can be proved to be at least 1. A line with nothing small to protect is shown in full.
    """
    small = {index for index, value in enumerate(values) if value < SMALL_GROUP}
    if not any(values[index] for index in small):
        return [SafeCount(value) for value in values]
    secondary: set[int] = set()
    while not _every_small_count_could_be_zero(values, small, secondary):
        shown = [index for index in range(len(values)) if index not in small | secondary]
        if not shown:
            # Every count is under 5 and the public total is high (4, 4, 1, 4, 4 of 17): each "fewer than 5"
            # would bound the others, so the total would prove the 1. The largest small count is shown as
            # "not shown" instead, which the reader cannot bound, as the loop above does with large ones.
            secondary.add(max(small - secondary, key=values.__getitem__))
            continue
        secondary.add(min(shown, key=values.__getitem__))
    return [
        SafeCount(value, hidden=index in small or index in secondary, secondary=index in secondary)
        for index, value in enumerate(values)
    ]


@dataclass(frozen=True)
class SafeCrossTable:
    """A category × protected answer table as the dashboard may show it; the same shape as a CrossTable.

    `lines` hold SafeCounts and each row's total (public: the status table shows it); `column_totals`
    are SafeCounts too.
    """

    rows: list[tuple[str, str]]
    columns: list[tuple[str, str]]
    lines: list[dict]
    column_totals: list[SafeCount]
    total: int


def cross_table_protect(*, rows, columns, lines: list[dict], column_totals: list[int]) -> SafeCrossTable:
    """Each row made safe with counts_protect; a column's total hidden whenever any of its counts is.

    A column total beside hidden counts would let them be subtracted back down the column; it is
    "not shown" whatever its size, so its label says nothing about its value either.
    """
    safe_lines = [{**line, "counts": counts_protect(line["counts"])} for line in lines]
    hidden_columns = {index for line in safe_lines for index, count in enumerate(line["counts"]) if count.hidden}
    return SafeCrossTable(
        rows=rows,
        columns=columns,
        lines=safe_lines,
        column_totals=[
            SafeCount(value, hidden=index in hidden_columns, secondary=index in hidden_columns)
            for index, value in enumerate(column_totals)
        ],
        total=sum(column_totals),
    )
