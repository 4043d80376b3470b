"""The participation report for the meeting's own report: registered and attended, by group, small counts hidden."""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from agenda.models import Meeting

from .attendance import Attendance
from .countries import unece_member_states
from .disclosure import SMALL_GROUP, SafeCount, counts_protect
from .floor import FloorDecision
from .models import Registration


@dataclass(frozen=True)
class Line:
    label: str
    registered: SafeCount
    attended: SafeCount


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    lines: list[Line]
    note: str = ""


@dataclass(frozen=True)
class ParticipationReport:
    meeting: Meeting
    registered: int
    attended: int
    attended_unregistered: SafeCount
    to_match: int
    states_registered: int
    states_attended: int
    states_total: int
    sections: list[Section]


def _safe(value: int) -> SafeCount:
    # A count of its own, beside no other in its line: hidden under 5, nothing to subtract it from.
    return SafeCount(value, hidden=0 < value < SMALL_GROUP)


def _section(key: str, title: str, labels: list[tuple[str, str]], registered: Counter, attended: Counter, note=""):
    # Each column is protected on its own: its total is public (the report's first lines). A line
    # alone in its section has nothing beside it to be worked out from.
    protect = counts_protect if len(labels) > 1 else (lambda values: [_safe(values[0])])
    safe_registered = protect([registered[value] for value, _label in labels])
    safe_attended = protect([attended[value] for value, _label in labels])
    lines = [
        Line(str(label), registered_count, attended_count)
        for (_value, label), registered_count, attended_count in zip(
            labels, safe_registered, safe_attended, strict=True
        )
    ]
    return Section(key=key, title=title, lines=lines, note=note)


def _count(queryset: QuerySet, field: str) -> Counter:
    return Counter(queryset.values_list(field, flat=True).order_by())


def _languages(meeting: Meeting, registered: QuerySet, attendees: QuerySet, attendance: QuerySet) -> Section:
    languages = list(meeting.interpretation_languages.order_by("position", "pk"))
    labels = [(language.pk, language.name) for language in languages]
    registered_counts = _count(registered, "listening_language")
    channels = [channel for channel in attendance.values_list("channel", flat=True) if channel]
    if not channels:
        return _section(
            "languages",
            _("Listening language"),
            labels,
            registered_counts,
            _count(attendees, "listening_language"),
            note=_("The report gave no interpretation channels: attendees are counted by the language they chose."),
        )
    # The channel as the platform names it ("French", "fr"), matched to the meeting's languages.
    names = {spelling.casefold(): language.pk for language in languages for spelling in (language.name, language.code)}
    used = Counter(names.get(channel.strip().casefold(), "other") for channel in channels)
    return _section(
        "languages",
        _("Listening language"),
        [*labels, ("other", _("Another channel"))],
        registered_counts,
        used,
        note=_("Attendees are counted by the interpretation channel the platform reported."),
    )


def participation_report_get(*, meeting: Meeting) -> ParticipationReport:
    """The figures of one meeting, every count under 5 hidden as on the dashboard.

    Registered means an active registration; attended, a registration matched to the attendance report
    (whatever its status since). People who attended without registering are counted in the totals only.
    """
    registered = Registration.objects.filter(meeting=meeting, status=Registration.Status.ACTIVE)
    attendance = Attendance.objects.filter(meeting=meeting)
    attendees = Registration.objects.filter(pk__in=attendance.filter(registration__isnull=False).values("registration"))
    states = unece_member_states()
    registered_countries, attended_countries = _count(registered, "country"), _count(attendees, "country")
    unece_codes = {code for code, _name in states}
    others = ("other", _("Other countries"))
    for counter in (registered_countries, attended_countries):
        counter["other"] = sum(n for code, n in counter.items() if code not in unece_codes and code != "other")
    granted = FloorDecision.objects.filter(decision=FloorDecision.Decision.ACCEPTED)
    floor_registered = Counter({"granted": granted.filter(registration__in=registered).count()})
    floor_attended = Counter({"granted": granted.filter(registration__in=attendees).count()})
    gender_labels = [*Registration.Gender.choices, ("", _("Not answered"))]
    sections = [
        _section(
            "categories",
            _("Stakeholder category"),
            Registration.Category.choices,
            _count(registered, "category"),
            _count(attendees, "category"),
        ),
        _section(
            "countries",
            _("UNECE member States"),
            [*((code, countries.name(code) or name) for code, name in states), others],
            registered_countries,
            attended_countries,
        ),
        _section("gender", _("Gender"), gender_labels, _count(registered, "gender"), _count(attendees, "gender")),
        _languages(meeting, registered, attendees, attendance),
        _section(
            "floor",
            _("Taking the floor"),
            [("granted", _("Requests to take the floor granted"))],
            floor_registered,
            floor_attended,
        ),
    ]
    return ParticipationReport(
        meeting=meeting,
        registered=registered.count(),
        attended=attendees.count(),
        attended_unregistered=_safe(attendance.filter(unregistered=True).count()),
        to_match=attendance.filter(registration__isnull=True, unregistered=False, ignored=False).count(),
        states_registered=sum(1 for code in unece_codes if registered_countries[code]),
        states_attended=sum(1 for code in unece_codes if attended_countries[code]),
        states_total=len(states),
        sections=sections,
    )


class ParticipationTable:
    """The report as one table for the XLSX exporter: section, line, registered, attended."""

    sheet_title = gettext_lazy("Participation report")

    def __init__(self, *, report: ParticipationReport):
        self.report = report

    def header(self) -> list[str]:
        return [_("Section"), _("Line"), _("Registered"), _("Attended")]

    @staticmethod
    def _value(count: SafeCount):
        return str(count) if count.hidden else count.value

    def rows(self) -> Iterator[list]:
        report = self.report
        yield [_("Totals"), _("People"), report.registered, report.attended]
        yield [_("Totals"), _("Attended without registering"), None, self._value(report.attended_unregistered)]
        yield [_("Totals"), _("UNECE member States represented"), report.states_registered, report.states_attended]
        for section in report.sections:
            for line in section.lines:
                yield [section.title, line.label, self._value(line.registered), self._value(line.attended)]
