"""The organisers' dashboard: every figure it shows, from a few aggregate queries, small groups hidden."""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from agenda.models import Meeting
from registration.collation import collation_key, site_language
from registration.countries import country_name, unece_member_states
from registration.models import DIVERSITY_FIELDS, Registration
from registration.reports.disclosure import (
    SMALL_GROUP,
    SafeCount,
    SafeCrossTable,
    counts_protect,
    cross_table_protect,
    share_protect,
)

# The figures count the people expected to attend; the status table shows the others.
COUNTED_STATUS = Registration.Status.ACTIVE
NO_ANSWER = ""
# A State is represented by its government: the one definition of "UNECE member States represented" on every page.
REPRESENTS_ITS_STATE = Registration.Category.MEMBER_STATE


@dataclass(frozen=True)
class Row:
    label: str
    value: int | SafeCount


@dataclass(frozen=True)
class CrossTable:
    """Counts by row and column, with totals; `cells[row][column]`."""

    rows: list[tuple[str, str]]  # (key, label)
    columns: list[tuple[str, str]]
    cells: dict[str, dict[str, int]]

    def row_total(self, row_key: str) -> int:
        return sum(self.cells.get(row_key, {}).values())

    @property
    def lines(self) -> list[dict]:
        """Rows ready for a template: label, counts in column order, total."""
        return [
            {
                "key": key,
                "label": label,
                "counts": [self.cells.get(key, {}).get(column, 0) for column, _label in self.columns],
                "total": self.row_total(key),
            }
            for key, label in self.rows
        ]

    @property
    def column_totals(self) -> list[int]:
        return [sum(self.cells.get(key, {}).get(column, 0) for key, _label in self.rows) for column, _l in self.columns]

    @property
    def total(self) -> int:
        return sum(self.column_totals)


@dataclass(frozen=True)
class DiversityQuestion:
    key: str
    label: str
    answers: list[tuple[str, SafeCount]]


@dataclass(frozen=True)
class MemberStateAttendance:
    country: str
    highest_level: str
    levels: list[tuple[str, int]]  # (level label, registrations giving it), highest first
    rank: int  # of the highest level: 0 for Head of State or Government


@dataclass
class Dashboard:
    meeting: Meeting
    status_by_category: CrossTable
    counted: int
    unece_represented: list[Row]
    unece_missing: list[str]
    countries: list[Row]
    listeners: list[Row]
    other_languages: list[Row]  # values are SafeCounts
    gender_by_category: SafeCrossTable
    diversity: list[DiversityQuestion]
    attendance: list[MemberStateAttendance]
    attendance_summary: list[Row]
    accessibility: list[Row] = field(default_factory=list)  # values are SafeCounts
    per_day: list[Row] = field(default_factory=list)
    # Of the counted, those whose personal data were removed: they stay in the counts (walk F3.6).
    erased: int = 0

    @property
    def status_rows(self) -> list[Row]:
        table = self.status_by_category
        return [Row(str(label), n) for (_key, label), n in zip(table.columns, table.column_totals, strict=True)]

    @property
    def unece_total(self) -> int:
        return len(self.unece_represented) + len(self.unece_missing)


# Gender has its own table, by category; a self-description is the person's own words and is never counted.
DIVERSITY_QUESTIONS = tuple(
    name for name in DIVERSITY_FIELDS if name != "gender" and Registration._meta.get_field(name).choices
)


def gender_columns() -> list[tuple[str, str]]:
    """The gender table's columns on every page: the answers, and those who left the optional question empty."""
    return [*Registration.Gender.choices, (NO_ANSWER, _("No answer"))]


def _status_category_gender(registrations: QuerySet) -> tuple[CrossTable, CrossTable]:
    by_status: dict[str, Counter] = defaultdict(Counter)
    by_gender: dict[str, Counter] = defaultdict(Counter)
    for row in registrations.values("status", "category", "gender").annotate(n=Count("pk")).order_by():
        by_status[row["category"]][row["status"]] += row["n"]
        if row["status"] == COUNTED_STATUS:
            by_gender[row["category"]][row["gender"]] += row["n"]
    categories = list(Registration.Category.choices)
    return (
        CrossTable(rows=categories, columns=list(Registration.Status.choices), cells=by_status),
        CrossTable(rows=categories, columns=gender_columns(), cells=by_gender),
    )


def gender_by_category_protect(*, people: QuerySet) -> SafeCrossTable:
    """Gender by category of `people`, as the dashboard shows it; its column totals are the gender figures
    any other page shows of the same people (the participation report), so no page's total can be
    subtracted from another page's cells."""
    by_gender: dict[str, Counter] = defaultdict(Counter)
    for row in people.values("category", "gender").annotate(n=Count("pk")).order_by():
        by_gender[row["category"]][row["gender"]] += row["n"]
    return _protect(CrossTable(rows=list(Registration.Category.choices), columns=gender_columns(), cells=by_gender))


def states_represented(*, registrations: QuerySet) -> set[str]:
    """The countries whose government has at least one of `registrations`: what "represented" means everywhere."""
    return set(registrations.filter(category=REPRESENTS_ITS_STATE).values_list("country", flat=True).distinct())


def gender_table_protect(*, rows: list[tuple[str, str]], cells: dict[str, dict[str, int]]) -> SafeCrossTable:
    """Gender by any split of the counted people (`rows`, `cells[row][gender]`), small groups hidden by the one rule,
    for a page of another area (the delegations' dashboard) that shows gender as this dashboard does."""
    return _protect(CrossTable(rows=rows, columns=gender_columns(), cells=cells))


def _protect(table: CrossTable) -> SafeCrossTable:
    return cross_table_protect(
        rows=table.rows, columns=table.columns, lines=table.lines, column_totals=table.column_totals
    )


def _countries_and_attendance(counted: QuerySet):
    by_country: Counter = Counter()
    governments: set[str] = set()
    levels: dict[str, Counter] = defaultdict(Counter)
    rows = counted.values("country", "category", "imrf_attendance_level").annotate(n=Count("pk")).order_by()
    for row in rows:
        by_country[row["country"]] += row["n"]
        if row["category"] == REPRESENTS_ITS_STATE:
            governments.add(row["country"])
            levels[row["country"]][row["imrf_attendance_level"]] += row["n"]

    unece = unece_member_states()
    represented = [Row(name, by_country[code]) for code, name in unece if code in governments]
    missing = [name for code, name in unece if code not in governments]
    collate = collation_key(site_language())
    country_rows = sorted(
        (Row(country_name(code), n) for code, n in by_country.items()), key=lambda row: (-row.value, collate(row.label))
    )

    # The choices run from the highest level down; "not yet decided" and no answer come last.
    order = [value for value, _label in Registration.AttendanceLevel.choices] + [NO_ANSWER]
    labels = dict(Registration.AttendanceLevel.choices) | {NO_ANSWER: _("No answer")}
    attendance = []
    for code, counter in levels.items():
        given = sorted(counter, key=order.index)
        attendance.append(
            MemberStateAttendance(
                country=country_name(code),
                highest_level=str(labels[given[0]]),
                levels=[(str(labels[level]), counter[level]) for level in given],
                rank=order.index(given[0]),
            )
        )
    attendance.sort(key=lambda line: (line.rank, collate(line.country)))
    highest = Counter(line.rank for line in attendance)
    summary = [Row(str(labels[level]), highest[rank]) for rank, level in enumerate(order) if highest[rank]]
    return represented, missing, country_rows, attendance, summary


def _languages(meeting: Meeting, counted: QuerySet) -> list[Row]:
    listeners = dict(counted.values_list("listening_language").annotate(n=Count("pk")).order_by())
    languages = list(meeting.interpretation_languages.order_by("position", "name"))
    offered = {language.pk for language in languages}
    rows = [Row(language.name, listeners.get(language.pk, 0)) for language in languages]
    # A language since removed from the meeting still has its listeners counted.
    others = [pk for pk in listeners if pk not in offered]
    if others:
        rows.append(Row(str(_("Languages no longer offered")), sum(listeners[pk] for pk in others)))
    return rows


def _other_languages(counted: QuerySet) -> list[Row]:
    """Requests for another language, counted; the words people typed, and who typed them, stay off the dashboard.

    A language asked for by at least 5 people is named (as its first requester spelt it); the others are
    one line, shown as "fewer than 5" when they are.
    """
    by_language: Counter = Counter()
    spelling: dict[str, str] = {}
    for language in (
        counted.exclude(other_language="").order_by("created_at", "pk").values_list("other_language", flat=True)
    ):
        key = language.strip().casefold()
        by_language[key] += 1
        spelling.setdefault(key, language.strip())
    named = sorted(
        ((key, n) for key, n in by_language.items() if n >= SMALL_GROUP), key=lambda item: (-item[1], item[0])
    )
    rows = [Row(spelling[key], SafeCount(n)) for key, n in named]
    rest = sum(n for n in by_language.values() if n < SMALL_GROUP)
    if rest:
        label = str(_("Other languages, each asked for by fewer than 5 people"))
        rows.append(Row(label, SafeCount(rest, hidden=rest < SMALL_GROUP)))
    return rows


# The accessibility block: how many need each service, so that it can be booked (issue 20, section 5).
ACCESSIBILITY_NEEDS = {
    "needs_captions": Q(needs_captions=True),
    "needs_sign_language": Q(needs_sign_language=True),
    "needs_screen_reader": Q(needs_screen_reader=True),
    "accessibility_other": ~Q(accessibility_other=""),
}


def _accessibility(totals: dict, counted: int) -> list[Row]:
    """Each need as one count of the people counted; under 5 it is "fewer than 5", as every protected figure."""
    return [
        Row(
            capfirst(str(Registration._meta.get_field(name).verbose_name)),
            share_protect(totals[f"access__{name}"], of=counted),
        )
        for name in ACCESSIBILITY_NEEDS
    ]


def _answer_totals(counted: QuerySet) -> dict:
    fields = [Registration._meta.get_field(name) for name in DIVERSITY_QUESTIONS]
    values = {question.name: [*(value for value, _label in question.choices), NO_ANSWER] for question in fields}
    return counted.aggregate(
        **{
            f"{name}__{value}": Count("pk", filter=Q(**{name: value}))
            for name, answers in values.items()
            for value in answers
        },
        **{f"access__{name}": Count("pk", filter=need) for name, need in ACCESSIBILITY_NEEDS.items()},
        erased=Count("pk", filter=Q(anonymised_at__isnull=False)),
    )


def _diversity(totals: dict) -> list[DiversityQuestion]:
    fields = [Registration._meta.get_field(name) for name in DIVERSITY_QUESTIONS]
    values = {question.name: [*(value for value, _label in question.choices), NO_ANSWER] for question in fields}
    questions = []
    for question in fields:
        labels = [*(label for _value, label in question.choices), _("No answer")]
        safe = counts_protect([totals[f"{question.name}__{value}"] for value in values[question.name]])
        questions.append(
            DiversityQuestion(
                key=question.name,
                label=str(question.verbose_name),
                answers=[(str(label), count) for label, count in zip(labels, safe, strict=True)],
            )
        )
    return questions


def _per_day(meeting: Meeting, registrations: QuerySet) -> list[Row]:
    counts = dict(
        registrations.annotate(day=TruncDate("created_at", tzinfo=meeting.tzinfo))
        .values_list("day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    if not counts:
        return []
    day, last = min(counts), max(counts)
    rows = []
    while day <= last:
        rows.append(Row(day.isoformat(), counts.get(day, 0)))
        day += datetime.timedelta(days=1)
    return rows


def dashboard_get(*, meeting: Meeting) -> Dashboard:
    """Everything the dashboard shows, in seven aggregate queries whatever the number of registrations."""
    registrations = Registration.objects.filter(meeting=meeting)
    counted = registrations.filter(status=COUNTED_STATUS)
    status_by_category, gender_by_category = _status_category_gender(registrations)
    represented, missing, country_rows, attendance, attendance_summary = _countries_and_attendance(counted)
    answer_totals = _answer_totals(counted)
    return Dashboard(
        meeting=meeting,
        status_by_category=status_by_category,
        counted=gender_by_category.total,
        unece_represented=represented,
        unece_missing=missing,
        countries=country_rows,
        listeners=_languages(meeting, counted),
        other_languages=_other_languages(counted),
        gender_by_category=_protect(gender_by_category),
        diversity=_diversity(answer_totals),
        attendance=attendance,
        attendance_summary=attendance_summary,
        accessibility=_accessibility(answer_totals, gender_by_category.total),
        per_day=_per_day(meeting, registrations),
        erased=answer_totals["erased"],
    )
