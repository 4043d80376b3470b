"""The participation report for the meeting's own report: registered and attended, by group, as disclosure allows."""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agenda.models import Meeting
from registration.countries import unece_member_states
from registration.models import Attendance, FloorDecision, Registration
from registration.reports.dashboard import gender_by_category_protect, states_represented
from registration.reports.disclosure import SafeCount, unprotected_count


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


def _section(key: str, title: str, labels: list[tuple[str, str]], registered: Counter, attended: Counter, note=""):
    # Category, country, language and the floor are not protected answers: zeros show as 0.
    lines = [
        Line(str(label), unprotected_count(registered[value]), unprotected_count(attended[value]))
        for value, label in labels
    ]
    return Section(key=key, title=title, lines=lines, note=note)


def _gender_section(registered: QuerySet, attendees: QuerySet) -> Section:
    """The gender totals of the dashboard's own table, for registered and attended people alike.

    Taken from the category × gender table, not counted again: a total the dashboard hides because
    a category's small count could be worked out from it is hidden here too (issue 19, High 1).
    """
    by_registered = gender_by_category_protect(people=registered)
    by_attended = gender_by_category_protect(people=attendees)
    lines = [
        Line(str(label), registered_count, attended_count)
        for (_value, label), registered_count, attended_count in zip(
            by_registered.columns, by_registered.column_totals, by_attended.column_totals, strict=True
        )
    ]
    return Section(key="gender", title=_("Gender"), lines=lines)


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
            [*states, others],
            registered_countries,
            attended_countries,
        ),
        _gender_section(registered, attendees),
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
        attended_unregistered=unprotected_count(attendance.filter(unregistered=True).count()),
        to_match=attendance.filter(registration__isnull=True, unregistered=False, ignored=False).count(),
        states_registered=len(states_represented(registrations=registered) & unece_codes),
        states_attended=len(states_represented(registrations=attendees) & unece_codes),
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
        yield [
            _("Totals"),
            _("UNECE member States represented by their government"),
            report.states_registered,
            report.states_attended,
        ]
        for section in report.sections:
            for line in section.lines:
                yield [section.title, line.label, self._value(line.registered), self._value(line.attended)]
