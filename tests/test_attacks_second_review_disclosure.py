"""Issue 19, High 1: the dashboard and the participation report are safe together, and say the same thing."""

import datetime
import io
import re

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import MeetingFactory, RegistrationFactory
from tests.registration.roles import VIEWERS, user_create

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("admin:registration_dashboard")
REPORT = reverse("admin:registration_participation_report")
PRINT = reverse("admin:registration_participation_print")
XLSX = reverse("admin:registration_participation_xlsx")
NON_BINARY = "Non-binary or another identity"


def _table(content: str, table_id: str) -> list[list[str]]:
    table = re.search(rf'<table[^>]*id="{table_id}"[^>]*>(.*?)</table>', content, re.DOTALL).group(1)
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.DOTALL)]
        for row in re.findall(r"<tr>(.*?)</tr>", table, re.DOTALL)
    ]


def _report_line(content: str, section: str, label: str) -> list[str]:
    block = re.search(rf'<section[^>]*aria-labelledby="section-{section}"[^>]*>(.*?)</section>', content, re.DOTALL)
    for row in re.findall(r"<tr>(.*?)</tr>", block.group(1), re.DOTALL):
        cells = [
            re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.DOTALL)
        ]
        if cells[0] == label:
            return cells[1:]
    raise AssertionError(f"no line {label!r} in {section}")


@pytest.fixture
def meeting(db):
    return MeetingFactory()


@pytest.fixture
def viewer(client, meeting):
    client.force_login(user_create(username="viewer", group=VIEWERS, teams=[meeting]))


def test_viewer_cannot_subtract_the_dashboard_from_the_report_to_learn_a_trade_unionists_gender(
    client, meeting, viewer
):
    # 20 civil-society registrations, 5 of them non-binary; one trade unionist from Andorra, non-binary.
    for gender, count in (("woman", 10), ("man", 5), ("non_binary", 5)):
        RegistrationFactory.create_batch(count, meeting=meeting, category="civil_society", country="FR", gender=gender)
    RegistrationFactory(meeting=meeting, category="trade_union", country="AD", gender="non_binary")

    dashboard = client.get(DASHBOARD, {"meeting": meeting.pk}).content.decode()
    report = client.get(REPORT, {"meeting": meeting.pk}).content.decode()
    printable = client.get(PRINT, {"meeting": meeting.pk}).content.decode()
    workbook = openpyxl.load_workbook(
        io.BytesIO(b"".join(client.get(XLSX, {"meeting": meeting.pk}).streaming_content))
    ).active

    header, *lines, totals = _table(dashboard, "gender-table")
    column = header.index(NON_BINARY)
    civil_society = next(line for line in lines if line[0] == "Civil society / NGO")
    assert civil_society[column] == "5"
    non_binary_totals = {
        "dashboard": totals[column],
        "report": _report_line(report, "gender", NON_BINARY)[0],
        "printable page": _report_line(printable, "gender", NON_BINARY)[0],
        "Excel": next(str(row[2]) for row in workbook.iter_rows(values_only=True) if row[1] == NON_BINARY),
    }
    # Every page shows the same figure, and none is a number that, less the civil society's 5, is one.
    assert set(non_binary_totals.values()) == {"not shown"}, non_binary_totals


def test_overall_gender_split_shows_on_both_pages_when_it_identifies_no_one(client, meeting, viewer):
    # Five categories of two women and two men each: every cell is small, the overall 10 and 10 are not.
    for category in ("member_state", "civil_society", "academia", "trade_union", "private_sector"):
        for gender in ("woman", "woman", "man", "man"):
            RegistrationFactory(meeting=meeting, category=category, gender=gender)

    dashboard = client.get(DASHBOARD, {"meeting": meeting.pk}).content.decode()
    report = client.get(REPORT, {"meeting": meeting.pk}).content.decode()

    header, *_lines, totals = _table(dashboard, "gender-table")
    assert (totals[header.index("Woman")], totals[header.index("Man")]) == ("10", "10")
    assert _report_line(report, "gender", "Woman")[0] == "10"
    assert _report_line(report, "gender", "Man")[0] == "10"


def test_participation_report_shows_zeros_of_categories_and_countries_as_zeros(client, meeting, viewer):
    RegistrationFactory.create_batch(5, meeting=meeting, category="member_state", country="FR")
    RegistrationFactory(meeting=meeting, category="member_state", country="DE")

    report = client.get(REPORT, {"meeting": meeting.pk}).content.decode()

    assert _report_line(report, "countries", "France") == ["5", "0"]
    assert _report_line(report, "countries", "Germany") == ["fewer than 5", "0"]
    assert _report_line(report, "countries", "Albania") == ["0", "0"]
    assert _report_line(report, "categories", "Other") == ["0", "0"]


def test_unece_states_represented_is_the_same_figure_on_the_dashboard_and_the_report(client, meeting, viewer):
    # Two governments; a civil-society registrant from a third State does not make it represented.
    RegistrationFactory(meeting=meeting, category="member_state", country="FR")
    RegistrationFactory(meeting=meeting, category="member_state", country="DE")
    RegistrationFactory(meeting=meeting, category="civil_society", country="IT")

    dashboard = client.get(DASHBOARD, {"meeting": meeting.pk})
    report = client.get(REPORT, {"meeting": meeting.pk})

    assert len(dashboard.context["dashboard"].unece_represented) == 2
    assert report.context["report"].states_registered == 2
    assert "represented by their government: 2 of 56" in " ".join(report.content.decode().split())


def test_dashboard_accessibility_block_counts_needs_under_the_disclosure_rules(client, meeting, viewer):
    RegistrationFactory.create_batch(6, meeting=meeting, needs_captions=True)
    RegistrationFactory(meeting=meeting, needs_sign_language=True, accessibility_other="Braille agenda")
    RegistrationFactory.create_batch(4, meeting=meeting)

    content = client.get(DASHBOARD, {"meeting": meeting.pk}).content.decode()

    assert dict(_table(content, "accessibility-needs")[1:]) == {
        "Live captions": "6",
        "Sign language interpretation": "fewer than 5",
        "Screen-reader-friendly documents": "0",
        "Other accessibility needs": "fewer than 5",
    }
    assert "Braille" not in content


def test_dashboard_with_one_day_of_registrations_says_so_in_words_not_a_lone_dot(client, meeting, viewer):
    RegistrationFactory.create_batch(3, meeting=meeting)

    content = client.get(DASHBOARD, {"meeting": meeting.pk}).content.decode()

    assert 'id="chart-per-day"' not in content
    assert re.search(r"<strong>3</strong> registrations, all on \d{4}-\d\d-\d\d\.", content)


def test_dashboard_opens_on_the_next_meeting_not_the_newest_draft_copy(client, meeting):
    meeting.starts_at = timezone.now() + datetime.timedelta(days=30)
    meeting.ends_at = meeting.starts_at + datetime.timedelta(hours=3)
    meeting.save()
    copy = MeetingFactory(
        starts_at=meeting.starts_at + datetime.timedelta(days=365),
        ends_at=meeting.ends_at + datetime.timedelta(days=365),
    )
    client.force_login(user_create(username="viewer", group=VIEWERS, teams=[meeting, copy]))

    response = client.get(DASHBOARD)

    assert response.context["meeting"] == meeting
