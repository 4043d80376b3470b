"""What may be shown of a table of counts: the one rule every page with protected answers takes its figures from.

The dashboard, the participation report, their printable pages, exports and charts show the same
figures of the same people; each page taking its own view of a table let a total on one page be
subtracted from a column on the other (issue 19, High 1). Every count of a protected answer, and
every total of one, comes from here.
"""

from collections import deque
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


def unprotected_count(value: int) -> SafeCount:
    """A count of an answer that is not protected (category, country, language), in a published report.

    Zero is shown: that no one came from a country singles no one out. Groups of 1 to 4 stay
    "fewer than 5", since a published list of who attended should not point at one person.
    """
    return SafeCount(value, hidden=0 < value < SMALL_GROUP)


def share_protect(value: int, *, of: int) -> SafeCount:
    """How many of `of` people (a public total) gave one yes-or-no answer, such as needing live captions.

    The others are `of` less this count, so the two are one line of counts_protect.
    """
    return counts_protect([value, of - value])[0]


@dataclass(frozen=True)
class SafeCrossTable:
    """A category × protected answer table as a page may show it; the same shape as a CrossTable.

    `lines` hold SafeCounts and each row's total (public: the status table shows it); `column_totals`
    are SafeCounts too, and they are what every page shows as the answer's totals.
    """

    rows: list[tuple[str, str]]
    columns: list[tuple[str, str]]
    lines: list[dict]
    column_totals: list[SafeCount]
    total: int


# A bound the reader cannot put on a count: "not shown" beside nothing shown, or a total hidden by the audit.
UNBOUNDED = 10**9


def _ceiling(counts: list[SafeCount]) -> int:
    # A secondary count was chosen among the smallest shown, so none is above the smallest still shown.
    shown = [count.value for count in counts if not count.hidden]
    return min(shown) if shown else UNBOUNDED


def _upper(count: SafeCount, ceiling: int) -> int:
    return ceiling if count.secondary else SMALL_GROUP - 1


def _max_flow(capacity: dict, source, sink) -> int:
    """Edmonds–Karp on a few dozen nodes: enough for a table of categories by answers."""
    flow = 0
    residual = {node: dict(edges) for node, edges in capacity.items()}
    for node, edges in capacity.items():
        for target in edges:
            residual.setdefault(target, {}).setdefault(node, 0)
    while True:
        parent = {source: None}
        queue = deque([source])
        while queue and sink not in parent:
            node = queue.popleft()
            for target, left in residual[node].items():
                if left > 0 and target not in parent:
                    parent[target] = node
                    queue.append(target)
        if sink not in parent:
            return flow
        path, node = [], sink
        while parent[node] is not None:
            path.append((parent[node], node))
            node = parent[node]
        pushed = min(residual[a][b] for a, b in path)
        for a, b in path:
            residual[a][b] -= pushed
            residual[b][a] += pushed
        flow += pushed


class _Reader:
    """What a reader of the published table knows, as a transportation problem they could solve.

    Rows send their hidden people (the row's public total less its shown counts) to the columns of
    their hidden cells, within each cell's bounds; a column whose total is shown takes exactly its
    total less its shown cells; the columns whose totals are hidden share what the grand total leaves.
    A count "could be zero" when the people still fit with that cell (or column) closed.
    """

    def __init__(self, *, lines, column_totals: list[SafeCount], audit_hidden: set[int], grand_total: int):
        self.lines = lines
        self.totals = column_totals
        self.audit_hidden = audit_hidden
        self.grand_total = grand_total
        self.total_ceiling = _ceiling(column_totals)

    def _hidden_total(self, column: int) -> bool:
        return self.totals[column].hidden or column in self.audit_hidden

    def feasible(self, *, closed_cells=frozenset(), closed_columns=frozenset()) -> bool:
        capacity: dict = {"source": {}, "slack": {}}
        supply = 0
        shown_in_column = [0] * len(self.totals)
        for row, line in enumerate(self.lines):
            ceiling = _ceiling(line["counts"])
            hidden_people = line["total"] - sum(count.value for count in line["counts"] if not count.hidden)
            supply += hidden_people
            capacity["source"][("row", row)] = hidden_people
            edges = capacity.setdefault(("row", row), {})
            for column, count in enumerate(line["counts"]):
                if not count.hidden:
                    shown_in_column[column] += count.value
                    continue
                closed = (row, column) in closed_cells or column in closed_columns
                edges[("column", column)] = 0 if closed else _upper(count, ceiling)
        slack_need = self.grand_total - sum(
            total.value for column, total in enumerate(self.totals) if not self._hidden_total(column)
        )
        for column, total in enumerate(self.totals):
            edges = capacity.setdefault(("column", column), {})
            if self._hidden_total(column):
                slack_need -= shown_in_column[column]
                if column in self.audit_hidden or total.secondary:
                    bound = self.total_ceiling if column not in self.audit_hidden else UNBOUNDED
                else:
                    bound = SMALL_GROUP - 1
                edges["slack"] = max(bound - shown_in_column[column], 0)
            else:
                edges["sink"] = total.value - shown_in_column[column]
        capacity["slack"]["sink"] = slack_need
        return _max_flow(capacity, "source", "sink") == supply

    def proves_someone(self) -> int | None:
        """The column of a small group the reader can prove is not empty, or None when every one could be."""
        for row, line in enumerate(self.lines):
            for column, count in enumerate(line["counts"]):
                if count.hidden and 0 < count.value < SMALL_GROUP and not self.feasible(closed_cells={(row, column)}):
                    return column
        for column, total in enumerate(self.totals):
            if total.hidden and 0 < total.value < SMALL_GROUP and not self.feasible(closed_columns={column}):
                return column
        return None


def cross_table_protect(*, rows, columns, lines: list[dict], column_totals: list[int]) -> SafeCrossTable:
    """Each row made safe with counts_protect, the totals line too; then totals hidden until nothing can be proved.

    A column's total beside a hidden count is shown only while, with every figure of the table, each
    small count could still be zero: another hidden count of the same row can take the person. When
    a total would give one away, the total of that column is hidden ("not shown"), then the smallest
    others, until none does. This is what lets the overall split (Woman 10, Man 10) show when it
    identifies no one, and keeps it hidden when a report's total less a dashboard's cell would.
    """
    safe_lines = [{**line, "counts": counts_protect(line["counts"])} for line in lines]
    totals = counts_protect(column_totals)
    audit_hidden: set[int] = set()
    while True:
        reader = _Reader(
            lines=safe_lines, column_totals=totals, audit_hidden=audit_hidden, grand_total=sum(column_totals)
        )
        column = reader.proves_someone()
        if column is None:
            break
        behind_hidden = {index for line in safe_lines for index, count in enumerate(line["counts"]) if count.hidden}
        candidates = [index for index in behind_hidden if not totals[index].hidden and index not in audit_hidden]
        if not candidates:
            break
        # The column that gave the count away first, then the smallest totals: they tell the least.
        audit_hidden.add(column if column in candidates else min(candidates, key=lambda index: totals[index].value))
    return SafeCrossTable(
        rows=rows,
        columns=columns,
        lines=safe_lines,
        column_totals=[
            SafeCount(total.value, hidden=True, secondary=True) if index in audit_hidden else total
            for index, total in enumerate(totals)
        ],
        total=sum(column_totals),
    )
