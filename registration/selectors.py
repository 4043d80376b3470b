"""Reads for organisers: the dashboard's aggregates, the speakers' list, the email status of registrations."""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Case, CharField, Count, Min, OuterRef, Q, QuerySet, Subquery, Value, When, Window
from django.db.models.functions import Cast, Concat, Lower, Trim, TruncDate
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from agenda.models import Meeting

from .forms import unece_member_states
from .models import OutgoingEmail, Registration, YesNoPrivate

# Fewer people than this in a diversity group are never shown as a number, so no one can be singled out.
SMALL_GROUP = 5
# The figures count the people expected to attend; the status table shows the others.
COUNTED_STATUS = Registration.Status.ACTIVE
NO_ANSWER = ""


def registration_list_with_email_status(*, registrations: QuerySet) -> QuerySet:
    """Each registration annotated with `confirmation_status`, the status of its latest confirmation email."""
    latest_confirmation = OutgoingEmail.objects.filter(
        registration=OuterRef("pk"), kind=OutgoingEmail.Kind.CONFIRMATION
    ).order_by("-created_at", "-pk")
    return registrations.annotate(confirmation_status=Subquery(latest_confirmation.values("status")[:1]))


def registration_speakers_list(*, registrations: QuerySet) -> QuerySet:
    """Requests to take the floor in order of request, each coordinated group together at its first request.

    A group is the text of “on behalf of” compared trimmed and case-insensitively; an intervention
    on one's own behalf is a group of one. Cancelled and declined registrations are left out.
    """
    coordinated = Q(intervention_coordination=Registration.Coordination.GROUP) & ~Q(intervention_group="")
    speaking_group = Concat(
        Value("group:"),
        Lower(Trim("intervention_group")),
        output_field=CharField(),
    )
    own = Concat(Value("own:"), Cast("pk", CharField()), output_field=CharField())
    group = Case(When(coordinated, then=speaking_group), default=own, output_field=CharField())
    return (
        registrations.filter(wishes_to_speak=True)
        .exclude(status__in=[Registration.Status.CANCELLED, Registration.Status.DECLINED])
        .annotate(speaking_group=group)
        .annotate(group_requested_at=Window(Min("created_at"), partition_by=[group]))
        .order_by("group_requested_at", "speaking_group", "created_at", "pk")
    )


@dataclass(frozen=True)
class SafeCount:
    """A count in an aggregate of personal answers: small groups are not shown as a number."""

    value: int
    hidden: bool = False

    @property
    def is_small(self) -> bool:
        return 0 < self.value < SMALL_GROUP

    def __str__(self):
        if not self.hidden:
            return str(self.value)
        if self.is_small:
            return str(_("fewer than 5"))
        return str(_("not shown"))


def counts_protect(values: list[int]) -> list[SafeCount]:
    """Hide every group of 1 to 4; if that hides exactly one, hide the next smallest too.

    With the total known, a single hidden cell is the total minus the others: hiding a
    second one keeps the small group from being worked out by subtraction.
    """
    hidden = [0 < value < SMALL_GROUP for value in values]
    if sum(hidden) == 1:
        shown = [index for index, value in enumerate(values) if value and not hidden[index]]
        if shown:
            hidden[min(shown, key=values.__getitem__)] = True
    return [SafeCount(value, is_hidden) for value, is_hidden in zip(values, hidden, strict=True)]


@dataclass(frozen=True)
class Row:
    label: str
    value: int


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
    label: str
    answers: list[tuple[str, SafeCount]]


@dataclass(frozen=True)
class MemberStateAttendance:
    country: str
    highest_level: str
    levels: list[tuple[str, int]]  # (level label, registrations giving it), highest first
    rank: int  # of the highest level: 0 for Head of State or Government


@dataclass(frozen=True)
class OtherLanguageRequest:
    language: str
    reason: str
    country: str
    category: str


@dataclass
class Dashboard:
    meeting: Meeting
    status_by_category: CrossTable
    counted: int
    unece_represented: list[Row]
    unece_missing: list[str]
    countries: list[Row]
    listeners: list[Row]
    other_languages: list[Row]
    other_language_requests: list[OtherLanguageRequest]
    gender_by_category: CrossTable
    diversity: list[DiversityQuestion]
    attendance: list[MemberStateAttendance]
    attendance_summary: list[Row]
    per_day: list[Row] = field(default_factory=list)

    @property
    def status_rows(self) -> list[Row]:
        table = self.status_by_category
        return [Row(str(label), n) for (_key, label), n in zip(table.columns, table.column_totals, strict=True)]

    @property
    def unece_total(self) -> int:
        return len(self.unece_represented) + len(self.unece_missing)


DIVERSITY_QUESTIONS = (
    ("age_group", Registration.AgeGroup),
    ("disability", YesNoPrivate),
    ("migrant_or_diaspora", YesNoPrivate),
    ("youth", YesNoPrivate),
)


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
        # The gender question is optional: those who left it empty are a column of their own.
        CrossTable(
            rows=categories,
            columns=[*Registration.Gender.choices, (NO_ANSWER, _("No answer"))],
            cells=by_gender,
        ),
    )


def _countries_and_attendance(counted: QuerySet):
    by_country: Counter = Counter()
    governments: set[str] = set()
    levels: dict[str, Counter] = defaultdict(Counter)
    rows = counted.values("country", "category", "imrf_attendance_level").annotate(n=Count("pk")).order_by()
    for row in rows:
        by_country[row["country"]] += row["n"]
        if row["category"] == Registration.Category.MEMBER_STATE:
            governments.add(row["country"])
            levels[row["country"]][row["imrf_attendance_level"]] += row["n"]

    unece = unece_member_states()
    represented = [Row(name, by_country[code]) for code, name in unece if code in governments]
    missing = [name for code, name in unece if code not in governments]
    country_rows = sorted(
        (Row(countries.name(code), n) for code, n in by_country.items()), key=lambda row: (-row.value, row.label)
    )

    # The choices run from the highest level down; "not yet decided" and no answer come last.
    order = [value for value, _label in Registration.AttendanceLevel.choices] + [NO_ANSWER]
    labels = dict(Registration.AttendanceLevel.choices) | {NO_ANSWER: _("No answer")}
    attendance = []
    for code, counter in levels.items():
        given = sorted(counter, key=order.index)
        attendance.append(
            MemberStateAttendance(
                country=countries.name(code),
                highest_level=str(labels[given[0]]),
                levels=[(str(labels[level]), counter[level]) for level in given],
                rank=order.index(given[0]),
            )
        )
    attendance.sort(key=lambda line: (line.rank, line.country))
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


def _other_language_requests(counted: QuerySet) -> tuple[list[Row], list[OtherLanguageRequest]]:
    requests = [
        OtherLanguageRequest(
            language=row.other_language.strip(),
            reason=row.other_language_reason,
            country=row.country.name,
            category=row.get_category_display(),
        )
        for row in counted.exclude(other_language="")
        .only("other_language", "other_language_reason", "country", "category")
        .order_by("created_at", "pk")
    ]
    by_language: Counter = Counter()
    spelling: dict[str, str] = {}
    for request in requests:
        key = request.language.casefold()
        by_language[key] += 1
        spelling.setdefault(key, request.language)
    summary = [Row(spelling[key], n) for key, n in sorted(by_language.items(), key=lambda item: (-item[1], item[0]))]
    return summary, requests


def _diversity(counted: QuerySet) -> list[DiversityQuestion]:
    aggregates = {}
    for name, choices in DIVERSITY_QUESTIONS:
        for value in [*choices.values, NO_ANSWER]:
            aggregates[f"{name}__{value}"] = Count("pk", filter=Q(**{name: value}))
    totals = counted.aggregate(**aggregates)
    questions = []
    for name, choices in DIVERSITY_QUESTIONS:
        labels = [*choices.labels, _("No answer")]
        safe = counts_protect([totals[f"{name}__{value}"] for value in [*choices.values, NO_ANSWER]])
        questions.append(
            DiversityQuestion(
                label=str(Registration._meta.get_field(name).verbose_name),
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
    other_languages, other_language_requests = _other_language_requests(counted)
    return Dashboard(
        meeting=meeting,
        status_by_category=status_by_category,
        counted=gender_by_category.total,
        unece_represented=represented,
        unece_missing=missing,
        countries=country_rows,
        listeners=_languages(meeting, counted),
        other_languages=other_languages,
        other_language_requests=other_language_requests,
        gender_by_category=gender_by_category,
        diversity=_diversity(counted),
        attendance=attendance,
        attendance_summary=attendance_summary,
        per_day=_per_day(meeting, registrations),
    )
