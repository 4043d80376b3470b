"""The dashboard: its numbers against a known set of registrations, small groups hidden, constant queries."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from registration.models import Registration
from registration.reports.dashboard import dashboard_get
from registration.reports.disclosure import SafeCount, counts_protect
from registration.retention import registrations_anonymise
from tests.factories import MeetingFactory, RegistrationFactory
from tests.registration.admin_pages import table_cells
from tests.registration.roles import ORGANISERS, VIEWERS, user_create

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("admin:registration_dashboard")
Status = Registration.Status
Category = Registration.Category
Gender = Registration.Gender
Level = Registration.AttendanceLevel


@pytest.fixture
def known(meeting):
    """Eleven active registrations, one cancelled and one pending, over two days with a quiet day between."""
    language = {language.code: language for language in meeting.interpretation_languages.all()}
    day_one = meeting.starts_at - datetime.timedelta(days=10)
    day_three = day_one + datetime.timedelta(days=2)

    def register(count, **fields):
        for _index in range(count):
            RegistrationFactory(meeting=meeting, **fields)

    register(
        6,
        category=Category.MEMBER_STATE,
        country="AT",
        gender=Gender.WOMAN,
        imrf_attendance_level=Level.MINISTER,
        listening_language=language["en"],
        age_group=Registration.AgeGroup.FROM_35_TO_49,
        created_at=day_one,
    )
    register(
        1,
        category=Category.MEMBER_STATE,
        country="AZ",
        gender=Gender.MAN,
        imrf_attendance_level=Level.TECHNICAL,
        listening_language=language["fr"],
        age_group=Registration.AgeGroup.UNDER_25,
        other_language="Albanian",
        other_language_reason="Our delegation works in Albanian.",
        created_at=day_one,
    )
    register(
        1,
        category=Category.MEMBER_STATE,
        country="AZ",
        gender=Gender.MAN,
        imrf_attendance_level=Level.HEAD_OF_STATE,
        listening_language=language["fr"],
        age_group=Registration.AgeGroup.UNDER_25,
        other_language=" albanian ",
        created_at=day_three,
    )
    register(
        2,
        category=Category.CIVIL_SOCIETY,
        country="RS",
        gender=Gender.WOMAN,
        imrf_attendance_level="",
        listening_language=language["bcms"],
        disability="yes",
        other_language="Turkish",
        created_at=day_three,
    )
    register(
        1,
        category=Category.CIVIL_SOCIETY,
        country="RS",
        gender=Gender.NON_BINARY,
        imrf_attendance_level="",
        listening_language=language["bcms"],
        created_at=day_three,
    )
    register(1, category=Category.MEMBER_STATE, country="BE", status=Status.CANCELLED, created_at=day_three)
    register(1, category=Category.MEMBER_STATE, country="BG", status=Status.PENDING, created_at=day_three)
    return meeting


def test_dashboard_totals_by_status_and_category(known):
    dashboard = dashboard_get(meeting=known)

    assert [(row.label, row.value) for row in dashboard.status_rows] == [
        ("Registered", 11),
        ("Pending approval", 1),
        ("Declined", 0),
        ("Cancelled", 1),
        ("On the waiting list", 0),
    ]
    lines = {line["key"]: line for line in dashboard.status_by_category.lines}
    assert lines[Category.MEMBER_STATE]["counts"] == [8, 1, 0, 1, 0]
    assert lines[Category.CIVIL_SOCIETY]["total"] == 3
    assert dashboard.status_by_category.total == 13
    assert dashboard.counted == 11


def test_dashboard_member_states_represented_and_not_yet(known):
    dashboard = dashboard_get(meeting=known)

    assert [(row.label, row.value) for row in dashboard.unece_represented] == [("Austria", 6), ("Azerbaijan", 2)]
    assert len(dashboard.unece_missing) == 54
    # Serbia has civil society but no government; Belgium cancelled; Bulgaria is pending.
    assert {"Serbia", "Belgium", "Bulgaria"} <= set(dashboard.unece_missing)
    assert "Austria" not in dashboard.unece_missing
    assert [(row.label, row.value) for row in dashboard.countries] == [("Austria", 6), ("Serbia", 3), ("Azerbaijan", 2)]


def test_dashboard_listeners_and_other_language_requests_counted(known):
    dashboard = dashboard_get(meeting=known)

    assert {row.label: row.value for row in dashboard.listeners} == {
        "English": 6,
        "French": 2,
        "Spanish": 0,
        "Russian": 0,
        "Bosnian, Croatian, Montenegrin, and Serbian (BCMS)": 3,
    }
    # Two languages asked for by two people each: fewer than 5 each, so neither is named.
    assert [(row.label, str(row.value)) for row in dashboard.other_languages] == [
        ("Other languages, each asked for by fewer than 5 people", "fewer than 5")
    ]
    assert dashboard.other_languages[0].value.value == 4


def test_dashboard_gender_by_category(known):
    dashboard = dashboard_get(meeting=known)

    lines = {line["key"]: line for line in dashboard.gender_by_category.lines}
    assert [count.value for count in lines[Category.MEMBER_STATE]["counts"]] == [6, 2, 0, 0, 0]
    assert [str(count) for count in lines[Category.MEMBER_STATE]["counts"]] == ["6"] + ["fewer than 5"] * 4
    assert [str(count) for count in lines[Category.CIVIL_SOCIETY]["counts"]] == ["fewer than 5"] * 5
    assert (lines[Category.MEMBER_STATE]["total"], lines[Category.CIVIL_SOCIETY]["total"]) == (8, 3)
    assert [count.value for count in dashboard.gender_by_category.column_totals] == [8, 2, 1, 0, 0]
    # The small totals are "fewer than 5"; the women's 8 less the Member States' 6 would prove two
    # civil-society women, so it is not shown either.
    assert [str(count) for count in dashboard.gender_by_category.column_totals] == ["not shown"] + ["fewer than 5"] * 4


def test_dashboard_hides_diversity_groups_under_five(known):
    dashboard = dashboard_get(meeting=known)

    questions = {question.label: dict(question.answers) for question in dashboard.diversity}
    age = questions["age group"]
    assert age["35–49"] == SafeCount(6)
    assert str(age["Under 25"]) == "fewer than 5"
    assert str(age["No answer"]) == "fewer than 5"
    disability = questions["identifies as a person with a disability"]
    assert str(disability["Yes"]) == "fewer than 5"
    # Shown as 0, "No" would let 11 − 9 give the two "Yes" away; hidden, the 2 could be any of three answers.
    assert str(disability["No"]) == "fewer than 5"
    assert str(disability["Prefer not to say"]) == "fewer than 5"
    assert disability["No answer"] == SafeCount(9)


def test_dashboard_attendance_level_per_member_state(known):
    dashboard = dashboard_get(meeting=known)

    assert [(line.country, line.highest_level, line.levels) for line in dashboard.attendance] == [
        ("Azerbaijan", "Head of State or Government", [("Head of State or Government", 1), ("Technical level", 1)]),
        ("Austria", "Minister", [("Minister", 6)]),
    ]
    assert [(row.label, row.value) for row in dashboard.attendance_summary] == [
        ("Head of State or Government", 1),
        ("Minister", 1),
    ]


def test_dashboard_registrations_per_day_include_quiet_days(known):
    dashboard = dashboard_get(meeting=known)

    assert [row.value for row in dashboard.per_day] == [7, 0, 6]


@pytest.mark.parametrize(
    ("values", "shown"),
    [
        ([10, 3, 20], ["not shown", "fewer than 5", "20"]),
        # 3 + 2 = 15 − 10: with 10 shown, both small groups would be known to be at least 1.
        ([10, 3, 2], ["not shown", "fewer than 5", "fewer than 5"]),
        # Shown, the zeros would make the total the 3.
        ([0, 3, 0], ["fewer than 5", "fewer than 5", "fewer than 5"]),
        # The smallest shown, 5, caps the one hidden beside the small one: 11 = 1 + 5 + 5 would name the 1.
        ([1, 5, 5, 20], ["fewer than 5", "not shown", "not shown", "20"]),
        ([5, 6, 7], ["5", "6", "7"]),
        ([0, 6, 0], ["0", "6", "0"]),
    ],
)
def test_counts_protect(values, shown):
    assert [str(count) for count in counts_protect(values)] == shown


def test_dashboard_page_shows_the_figures_and_charts(client, known):
    client.force_login(user_create(username="organiser", group=ORGANISERS, in_every_team=True))

    response = client.get(DASHBOARD)

    content = response.content.decode()
    assert response.status_code == 200
    assert "fewer than 5" in content
    assert "<li>Serbia</li>" in content
    assert content.count('<svg class="chart chart-') == 4
    assert 'id="listeners"' in content and 'id="per-day-table"' in content


def test_dashboard_page_escapes_what_participants_typed(client, meeting):
    client.force_login(user_create(username="organiser", group=ORGANISERS, in_every_team=True))
    for _index in range(5):
        RegistrationFactory(meeting=meeting, other_language="<script>x</script>")

    content = client.get(DASHBOARD).content.decode()

    # Asked for by five people, the language is named: escaped, never run.
    assert "<script>x</script>" not in content
    assert "&lt;script&gt;x&lt;/script&gt;" in content


def test_dashboard_page_shows_the_chosen_meeting(client, meeting):
    other = MeetingFactory(title="Another meeting")
    RegistrationFactory(meeting=other, country="MT")
    client.force_login(user_create(username="organiser", group=ORGANISERS, in_every_team=True))

    response = client.get(DASHBOARD, {"meeting": other.pk})

    assert response.context["meeting"] == other
    assert response.context["dashboard"].counted == 1


def test_dashboard_page_without_a_meeting_says_so(admin_client):
    client = admin_client

    response = client.get(DASHBOARD)

    assert response.status_code == 200
    assert "No meeting has been loaded yet." in response.content.decode()


def test_dashboard_runs_a_fixed_number_of_queries(meeting, django_assert_num_queries):
    RegistrationFactory(meeting=meeting)

    with django_assert_num_queries(7):
        dashboard_get(meeting=meeting)


def test_dashboard_page_runs_as_many_queries_for_1000_registrations_as_for_10(client, meeting):
    client.force_login(user_create(username="organiser", group=ORGANISERS, in_every_team=True))
    language = meeting.interpretation_languages.order_by("position", "pk").first()

    def bulk(count, start):
        Registration.objects.bulk_create(
            RegistrationFactory.build(
                meeting=meeting,
                listening_language=language,
                email=f"bulk{start + index}@example.org",
                country=["AT", "RS", "FR", "KE"][index % 4],
                other_language="Albanian" if index % 50 == 0 else "",
            )
            for index in range(count)
        )

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(DASHBOARD)
        assert response.status_code == 200
        return len(captured)

    bulk(10, 0)
    few = queries()
    bulk(990, 10)

    assert queries() == few


def test_dashboard_says_how_many_of_the_counted_were_erased(client, known):
    # Walk F3.6: erased registrations stay in the counts, and the dashboard says how many they are.
    erased = Registration.objects.filter(meeting=known, status=Registration.Status.ACTIVE).first()
    registrations_anonymise(pks=[erased.pk], now=timezone.now())
    client.force_login(user_create(username="organiser", group=ORGANISERS, in_every_team=True))

    content = client.get(DASHBOARD).content.decode()

    assert dashboard_get(meeting=known).counted == 11
    assert dashboard_get(meeting=known).erased == 1
    assert "Of these, <strong>1</strong> was erased" in content


# Issue 19 and walk F3.17: the accessibility block, one day of registrations, the meeting it opens on.

DASHBOARD = reverse("admin:registration_dashboard")


@pytest.fixture
def signed_in_viewer(client, meeting):
    """A Viewer of `meeting`, signed in on `client`."""
    client.force_login(user_create(username="viewer", group=VIEWERS, teams=[meeting]))


def test_dashboard_accessibility_block_counts_needs_under_the_disclosure_rules(client, meeting, signed_in_viewer):
    RegistrationFactory.create_batch(6, meeting=meeting, needs_captions=True)
    RegistrationFactory(meeting=meeting, needs_sign_language=True, accessibility_other="Braille agenda")
    RegistrationFactory.create_batch(4, meeting=meeting)

    content = client.get(DASHBOARD, {"meeting": meeting.pk}).content.decode()

    assert dict(table_cells(content, "accessibility-needs")[1:]) == {
        "Live captions": "6",
        "Sign language interpretation": "fewer than 5",
        "Screen-reader-friendly documents": "0",
        "Other accessibility needs": "fewer than 5",
    }
    assert "Braille" not in content


def test_dashboard_with_one_day_of_registrations_says_so_in_words_not_a_lone_dot(client, meeting, signed_in_viewer):
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
