"""Dashboard charts drawn on the server as SVG: the geometry is computed here, the templates draw it."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from registration.reports.dashboard import Row
from registration.reports.disclosure import SafeCrossTable

WIDTH = 640
LABEL_WIDTH = 230
VALUE_WIDTH = 60
BAR_HEIGHT = 22
BAR_GAP = 8
LABEL_CHARS = 34
SERIES_COLOURS = 6
# The grey segment of the counts a table hides (dashboard.css).
HIDDEN_SERIES = "hidden"


def _short(label: str) -> str:
    # SVG text does not wrap; the table beside the chart has the full label.
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


@dataclass(frozen=True)
class Bar:
    label: str
    short_label: str
    value: int
    y: int
    width: float
    text_y: int
    value_x: float


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bar_x: int
    bar_height: int
    bars: list[Bar]


def bar_chart(*, rows: list[Row]) -> BarChart:
    """Horizontal bars, one per row, scaled to the largest value."""
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    largest = max((row.value for row in rows), default=0) or 1
    bars = []
    for index, row in enumerate(rows):
        y = index * (BAR_HEIGHT + BAR_GAP)
        width = span * row.value / largest
        bars.append(
            Bar(
                label=row.label,
                short_label=_short(row.label),
                value=row.value,
                y=y,
                width=round(width, 1),
                text_y=y + BAR_HEIGHT // 2 + 5,
                value_x=round(LABEL_WIDTH + width + 6, 1),
            )
        )
    return BarChart(
        width=WIDTH,
        height=max(len(rows) * (BAR_HEIGHT + BAR_GAP), BAR_HEIGHT),
        bar_x=LABEL_WIDTH,
        bar_height=BAR_HEIGHT,
        bars=bars,
    )


@dataclass(frozen=True)
class Segment:
    label: str
    value: str  # what the tooltip says; empty for the hidden counts
    x: float
    width: float
    series: int | str


@dataclass(frozen=True)
class StackedBar:
    label: str
    short_label: str
    total: int
    y: int
    text_y: int
    segments: list[Segment]


@dataclass(frozen=True)
class StackedBarChart:
    width: int
    height: int
    bar_x: int
    bar_height: int
    total_x: int
    bars: list[StackedBar]
    legend: list[tuple[int | str, str]]


def stacked_bar_chart(*, table: SafeCrossTable) -> StackedBarChart:
    """One bar per row of the table, split into its columns' shares; rows with no one are left out.

    Hidden counts are drawn together as one grey segment at the end, labelled without a number: its
    size is the row's total less what is shown, which the table lets anyone work out anyway.
    """
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    not_shown = _("not shown")
    bars = []
    for line in table.lines:
        if not line["total"]:
            continue
        y = len(bars) * (BAR_HEIGHT + BAR_GAP)
        x = float(LABEL_WIDTH)
        segments = []
        for series, ((_key, label), count) in enumerate(zip(table.columns, line["counts"], strict=True)):
            if count.hidden or not count.value:
                continue
            width = span * count.value / line["total"]
            segments.append(
                Segment(
                    label=str(label),
                    value=str(count),
                    x=round(x, 1),
                    width=round(width, 1),
                    series=series % SERIES_COLOURS,
                )
            )
            x += width
        hidden = line["total"] - sum(count.value for count in line["counts"] if not count.hidden)
        if hidden:
            width = span * hidden / line["total"]
            segments.append(
                Segment(label=not_shown, value="", x=round(x, 1), width=round(width, 1), series=HIDDEN_SERIES)
            )
        bars.append(
            StackedBar(
                label=str(line["label"]),
                short_label=_short(str(line["label"])),
                total=line["total"],
                y=y,
                text_y=y + BAR_HEIGHT // 2 + 5,
                segments=segments,
            )
        )
    return StackedBarChart(
        width=WIDTH,
        height=max(len(bars) * (BAR_HEIGHT + BAR_GAP), BAR_HEIGHT),
        bar_x=LABEL_WIDTH,
        bar_height=BAR_HEIGHT,
        total_x=WIDTH - VALUE_WIDTH + 6,
        bars=bars,
        legend=[
            *((series % SERIES_COLOURS, str(label)) for series, (_key, label) in enumerate(table.columns)),
            (HIDDEN_SERIES, not_shown),
        ],
    )


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str
    value: int


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    left: int
    top: int
    bottom: int
    right: int
    points: list[Point]
    path: str
    largest: int
    first_label: str
    last_label: str


LINE_HEIGHT = 220
LINE_LEFT = 48
LINE_TOP = 12
LINE_BOTTOM = 190


def line_chart(*, rows: list[Row]) -> LineChart:
    """A line through the rows' values, left to right, from zero to the largest value."""
    largest = max((row.value for row in rows), default=0) or 1
    right = WIDTH - 12
    step = (right - LINE_LEFT) / max(len(rows) - 1, 1)
    points = [
        Point(
            x=round(LINE_LEFT + index * step, 1),
            y=round(LINE_BOTTOM - (LINE_BOTTOM - LINE_TOP) * row.value / largest, 1),
            label=row.label,
            value=row.value,
        )
        for index, row in enumerate(rows)
    ]
    return LineChart(
        width=WIDTH,
        height=LINE_HEIGHT,
        left=LINE_LEFT,
        top=LINE_TOP,
        bottom=LINE_BOTTOM,
        right=right,
        points=points,
        path=" ".join(f"{point.x},{point.y}" for point in points),
        largest=largest,
        first_label=rows[0].label if rows else "",
        last_label=rows[-1].label if rows else "",
    )
