"""Diversity and accessibility answers: no one without the permission selects, sorts or sees people by them."""

import csv
import io

import pytest
from django.urls import reverse

from registration.models import PROTECTED_ANSWER_FIELDS, OutgoingEmail, Registration
from tests.factories import RegistrationFactory
from tests.registration.admin_pages import table_cells
from tests.registration.roles import ORGANISERS, VIEWERS, signed_in_through_the_login_form, user_create

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:registration_registration_changelist")
DASHBOARD = reverse("admin:registration_dashboard")
LIST_AND_EXPORTS = [
    CHANGELIST,
    reverse("admin:registration_registration_export", args=["csv"]),
    reverse("admin:registration_registration_export", args=["xlsx"]),
    reverse("admin:registration_registration_speakers", args=["csv"]),
]
TRUSTED_PERMISSIONS = ["registration.view_diversity_answers"]
# What the target answered, field by field: every protected answer, with a value that matches them.
TARGET_ANSWERS = {
    "gender": Registration.Gender.NON_BINARY,
    "gender_self_description": "Two-spirit",
    "age_group": Registration.AgeGroup.UNDER_25,
    "disability": "yes",
    "migrant_or_diaspora": "yes",
    "youth": "yes",
    "needs_captions": True,
    "needs_sign_language": True,
    "needs_screen_reader": True,
    "accessibility_other": "Braille agenda",
}


def _query_value(value) -> str:
    return "1" if value is True else str(value)


# Each attack: the lookups an organiser could type into the address to pick out the target.
ATTACKS = [
    lookup
    for name, value in TARGET_ANSWERS.items()
    for lookup in (
        {f"{name}__exact": _query_value(value)},
        {name: _query_value(value)},
        {f"{name}__isnull": "False"},
        {f"{name}__icontains": _query_value(value)[:3]},
        {f"{name}__in": _query_value(value)},
        {f"meeting__registrations__{name}": _query_value(value)},
    )
]


def test_attacks_cover_every_protected_answer():
    assert set(TARGET_ANSWERS) == set(PROTECTED_ANSWER_FIELDS)


@pytest.fixture
def target(meeting):
    RegistrationFactory(meeting=meeting, first_name="Bystander", last_name="Plain", email="plain@example.org")
    return RegistrationFactory(
        meeting=meeting,
        first_name="Targeted",
        last_name="Person",
        email="target@example.org",
        wishes_to_speak=True,
        # A complete request to speak: an organiser's edit is checked like the public form.
        intervention_topic="Regular pathways",
        intervention_coordination=Registration.Coordination.OWN,
        **TARGET_ANSWERS,
    )


def _body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", errors="replace")


@pytest.mark.parametrize("url", LIST_AND_EXPORTS)
@pytest.mark.parametrize(("group", "refusal"), [(ORGANISERS, 400), (VIEWERS, 403)])
def test_filtering_by_a_protected_answer_is_refused_in_the_list_and_every_export(client, target, url, group, refusal):
    client.force_login(user_create(username="someone", group=group, in_every_team=True))

    answered = {str(attack): client.get(url, attack) for attack in ATTACKS}

    leaked = {attack: response.status_code for attack, response in answered.items() if response.status_code != refusal}
    assert leaked == {}
    assert not any("target@example.org" in _body(response) for response in answered.values())


def test_permitted_user_filters_the_list_and_exports_by_protected_answers(client, target):
    client.force_login(
        user_create(username="trusted", group=ORGANISERS, permissions=TRUSTED_PERMISSIONS, in_every_team=True)
    )

    listed = client.get(CHANGELIST, {"disability__exact": "yes", "gender__exact": "non_binary"})
    exported = client.get(LIST_AND_EXPORTS[1], {"needs_captions__exact": "1"})

    assert [registration.email for registration in listed.context["cl"].result_list] == ["target@example.org"]
    rows = list(csv.DictReader(io.StringIO(_body(exported).lstrip("\ufeff"))))
    assert [(row["email"], row["identifies as a person with a disability"]) for row in rows] == [
        ("target@example.org", "Yes")
    ]


def test_the_list_cannot_be_sorted_by_gender_without_the_permission(client, meeting):
    # Names, dates and gender each give a different order: Zed, Young, Xavier registered in that order.
    for first_name, last_name, gender in (("A", "Zed", "man"), ("B", "Young", "woman"), ("C", "Xavier", "non_binary")):
        RegistrationFactory(meeting=meeting, first_name=first_name, last_name=last_name, gender=gender)
    by_gender = [["A", "C", "B"], ["B", "C", "A"]]
    client.force_login(
        user_create(username="trusted", group=ORGANISERS, permissions=TRUSTED_PERMISSIONS, in_every_team=True)
    )
    gender_column = client.get(CHANGELIST).context["cl"].list_display.index("gender")
    trusted = client.get(CHANGELIST, {"o": str(gender_column)})
    client.force_login(user_create(username="organiser", group=ORGANISERS, in_every_team=True))

    orders = {
        ordering: [r.first_name for r in client.get(CHANGELIST, {"o": ordering}).context["cl"].result_list]
        for column in range(12)
        for ordering in (str(column), f"-{column}")
    }

    assert [registration.first_name for registration in trusted.context["cl"].result_list] == by_gender[0]
    assert {ordering: order for ordering, order in orders.items() if order in by_gender} == {}
    assert "gender" not in client.get(CHANGELIST).context["cl"].list_display


@pytest.mark.parametrize("words", ["Two-spirit", "Braille agenda"])
def test_search_does_not_find_people_by_a_free_text_answer(client, target, words):
    client.force_login(user_create(username="organiser", group=ORGANISERS, in_every_team=True))

    listed = client.get(CHANGELIST, {"q": words})
    exported = client.get(LIST_AND_EXPORTS[1], {"q": words})

    assert list(listed.context["cl"].result_list) == []
    assert "target@example.org" not in _body(exported)


@pytest.mark.parametrize(("permissions", "visible"), [([], False), (TRUSTED_PERMISSIONS, True)])
def test_detail_page_shows_protected_answers_only_with_the_permission(client, target, permissions, visible):
    client.force_login(user_create(username="organiser", group=ORGANISERS, permissions=permissions, in_every_team=True))

    content = client.get(reverse("admin:registration_registration_change", args=[target.pk])).content.decode()

    assert ("Two-spirit" in content) is visible
    assert ("Braille agenda" in content) is visible
    assert ("Non-binary" in content) is visible
    for name in PROTECTED_ANSWER_FIELDS:
        assert (f'name="{name}"' in content) is visible


def test_detail_page_is_refused_to_a_viewer(client, target):
    client.force_login(user_create(username="viewer", group=VIEWERS, in_every_team=True))

    response = client.get(reverse("admin:registration_registration_change", args=[target.pk]))

    assert response.status_code == 403
    assert "Two-spirit" not in response.content.decode()


def test_a_forged_edit_cannot_change_protected_answers(client, target):
    client.force_login(user_create(username="organiser", group=ORGANISERS, in_every_team=True))
    url = reverse("admin:registration_registration_change", args=[target.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data.update({"organisation": "IOM", "disability": "no", "gender": "man", "accessibility_other": "none"})
    data.update({"emails-TOTAL_FORMS": "0", "emails-INITIAL_FORMS": "0"})

    response = client.post(url, {key: "" if value is None else value for key, value in data.items()})

    target.refresh_from_db()
    assert response.status_code == 302
    assert target.organisation == "IOM"
    assert (target.disability, target.gender, target.accessibility_other) == ("yes", "non_binary", "Braille agenda")


@pytest.mark.parametrize(("permissions", "visible"), [([], False), (TRUSTED_PERMISSIONS, True)])
def test_email_outbox_shows_the_accessibility_needs_in_a_body_only_with_the_permission(
    client, target, permissions, visible
):
    email = OutgoingEmail.objects.create(
        registration=target,
        kind=OutgoingEmail.Kind.CONFIRMATION,
        to_email=target.email,
        subject="Your registration",
        body_text="Accessibility needs: Braille agenda",
    )
    client.force_login(user_create(username="organiser", group=ORGANISERS, permissions=permissions, in_every_team=True))

    detail = client.get(reverse("admin:registration_outgoingemail_change", args=[email.pk]))
    filtered = client.get(reverse("admin:registration_outgoingemail_changelist"), {"registration__disability": "yes"})

    assert detail.status_code == 200
    assert ("Braille agenda" in detail.content.decode()) is visible
    assert filtered.status_code == 400


# The dashboard


@pytest.fixture
def lone_trade_unionist(meeting):
    """Ten women from governments, and one non-binary trade unionist who needs sign language."""
    for _index in range(10):
        RegistrationFactory(meeting=meeting, category=Registration.Category.MEMBER_STATE, gender="woman")
    return RegistrationFactory(
        meeting=meeting,
        category=Registration.Category.TRADE_UNION,
        gender=Registration.Gender.NON_BINARY,
        needs_sign_language=True,
        disability="yes",
    )


@pytest.mark.parametrize("group", [VIEWERS, ORGANISERS])
def test_dashboard_does_not_single_out_a_non_binary_trade_unionist(client, lone_trade_unionist, group):
    client.force_login(user_create(username="someone", group=group, in_every_team=True))

    content = client.get(DASHBOARD).content.decode()

    header, *lines, totals = table_cells(content, "gender-table")
    trade_union = next(line for line in lines if line[0] == "Trade union")
    non_binary = header.index("Non-binary or another identity")
    assert trade_union[1:-1] == ["fewer than 5"] * 5
    assert trade_union[-1] == "1"  # the category's total, public in the status table anyway
    assert not totals[non_binary].isdigit()
    assert "Trade union, Non-binary or another identity" not in content
    assert "Trade union, not shown" in content


def test_dashboard_totals_do_not_let_a_hidden_count_be_subtracted_back(client, lone_trade_unionist):
    client.force_login(user_create(username="viewer", group=VIEWERS, in_every_team=True))

    content = client.get(DASHBOARD).content.decode()

    header, *lines, totals = table_cells(content, "gender-table")
    for line in lines:
        hidden = [index for index, cell in enumerate(line[1:-1], start=1) if not cell.isdigit()]
        shown = sum(int(cell) for cell in line[1:-1] if cell.isdigit())
        # One hidden count would be the row's total less the others; several share what is left.
        assert len(hidden) != 1, line
        if int(line[-1]) > shown:
            assert len(hidden) >= 2, line
    # Nor down the columns: a shown total less the column's shown counts leaves nothing to place, or
    # shares what it leaves between two hidden counts at least.
    for index, total in enumerate(totals[1:-1], start=1):
        cells = [line[index] for line in lines]
        hidden = [cell for cell in cells if not cell.isdigit()]
        if total.isdigit() and hidden:
            left = int(total) - sum(int(cell) for cell in cells if cell.isdigit())
            assert left == 0 or len(hidden) >= 2, (header[index], total)


def test_dashboard_hides_a_lone_accessibility_or_disability_answer(client, lone_trade_unionist):
    client.force_login(user_create(username="viewer", group=VIEWERS, in_every_team=True))

    content = client.get(DASHBOARD).content.decode()

    disability = table_cells(content, "diversity-disability")
    assert dict(row for row in disability[1:]) == {
        "Yes": "fewer than 5",
        "No": "fewer than 5",
        "Prefer not to say": "fewer than 5",
        "No answer": "10",
    }


def test_dashboard_shows_no_one_s_words_about_another_language(client, meeting):
    client.force_login(user_create(username="viewer", group=VIEWERS, in_every_team=True))
    RegistrationFactory(
        meeting=meeting,
        country="MD",
        category=Registration.Category.MIGRANT_DIASPORA,
        other_language="Romanes",
        other_language_reason="My grandmother speaks only Romanes.",
    )

    content = client.get(DASHBOARD).content.decode()

    assert "Romanes" not in content
    assert "grandmother" not in content
    assert table_cells(content, "other-languages")[1:] == [
        ["Other languages, each asked for by fewer than 5 people", "fewer than 5"]
    ]


def test_dashboard_names_a_language_only_once_five_people_ask_for_it(client, meeting):
    client.force_login(user_create(username="viewer", group=VIEWERS, in_every_team=True))
    for _index in range(5):
        RegistrationFactory(meeting=meeting, other_language=" romani ", other_language_reason="Family reasons.")
    RegistrationFactory(meeting=meeting, other_language="Ladino")

    content = client.get(DASHBOARD).content.decode()

    assert table_cells(content, "other-languages")[1:] == [
        ["romani", "5"],
        ["Other languages, each asked for by fewer than 5 people", "fewer than 5"],
    ]
    assert "Ladino" not in content
    assert "Family reasons." not in content


# Attacks from the second review of issue 10: each test performs one.


# A line of small counts whose public total proves each of them is at least one.


def test_dashboard_line_of_small_counts_does_not_prove_someone_in_a_category_is_non_binary(client, meeting):
    # 17 trade unionists: 4 women, 4 men, 1 non-binary, 4 "prefer not to say", 4 without an answer.
    for gender, count in (("woman", 4), ("man", 4), ("non_binary", 1), ("prefer_not", 4), ("", 4)):
        RegistrationFactory.create_batch(
            count, meeting=meeting, category=Registration.Category.TRADE_UNION, gender=gender
        )
    signed_in_through_the_login_form(client, group=VIEWERS)

    dashboard = client.get(reverse("admin:registration_dashboard"), {"meeting": meeting.pk}).context["dashboard"]

    # What the Viewer reads: the category's active count (status table, public) and the gender line.
    status = next(line for line in dashboard.status_by_category.lines if line["key"] == "trade_union")
    active = status["counts"][[key for key, _label in dashboard.status_by_category.columns].index("active")]
    line = next(line for line in dashboard.gender_by_category.lines if line["key"] == "trade_union")
    columns = [key for key, _label in dashboard.gender_by_category.columns]
    others = [count for key, count in zip(columns, line["counts"], strict=True) if key != "non_binary"]
    # Every other count shown as "fewer than 5" holds at most 4; a shown one holds its value.
    most_the_others_can_hold = sum(4 if count.hidden else count.value for count in others)
    if all(count.hidden and not count.secondary for count in others):
        assert active <= most_the_others_can_hold, (
            f"{active} trade unionists, the others at most {most_the_others_can_hold}: someone is non-binary"
        )
