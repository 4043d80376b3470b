"""The delegations' dashboard: found from the registrations dashboard, gender under the one disclosure rule."""

import pytest
from django.urls import reverse
from django.utils import timezone

from delegations import selectors
from delegations.models import Delegation, Entity, Member
from registration.models import Registration
from tests.factories import RegistrationFactory
from tests.registration.roles import ORGANISERS, VIEWERS, user_create

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("admin:delegations_delegation_dashboard")


def _confirmed_delegation(meeting, country, genders, *, head_gender=Registration.Gender.WOMAN):
    """A State's confirmed delegation: a head of `head_gender` and one member per gender in `genders`."""
    delegation = Delegation.objects.create(
        meeting=meeting,
        entity=Entity.objects.create(kind=Entity.Kind.MEMBER_STATE, country=country),
        status=Delegation.Status.CONFIRMED,
    )
    now = timezone.now()
    for index, gender in enumerate([head_gender, *genders]):
        Member.objects.create(
            delegation=delegation,
            registration=RegistrationFactory(meeting=meeting, country=country, gender=gender),
            role=Member.Role.HEAD if index == 0 else Member.Role.MEMBER,
            confirmed_at=now,
        )
    return delegation


def test_the_registrations_dashboard_leads_to_the_delegations_dashboard(client, meeting):
    client.force_login(user_create(username="olga", group=ORGANISERS, teams=[meeting]))

    page = client.get(reverse("admin:registration_dashboard")).content.decode()

    assert f'href="{DASHBOARD}?meeting={meeting.pk}"' in page
    assert 'href="#delegations"' in page
    back = client.get(DASHBOARD, {"meeting": meeting.pk}).content.decode()
    assert f'href="{reverse("admin:registration_dashboard")}?meeting={meeting.pk}"' in back


def test_the_registrations_dashboard_has_no_link_for_those_who_cannot_see_delegations(client, meeting):
    client.force_login(user_create(username="vera", permissions=["registration.view_dashboard"], teams=[meeting]))

    page = client.get(reverse("admin:registration_dashboard")).content.decode()

    assert DASHBOARD not in page


def test_delegates_by_gender_hide_a_small_group_and_what_would_give_it_away(meeting):
    # Nine heads: eight women and one man. Ten other delegates: six men, four women.
    for index, country in enumerate(("AT", "HU", "DE", "FR", "IT", "ES", "PL", "CZ", "SK")):
        head = Registration.Gender.MAN if index == 0 else Registration.Gender.WOMAN
        members = [Registration.Gender.MAN] * 6 + [Registration.Gender.WOMAN] * 4 if index == 0 else []
        _confirmed_delegation(meeting, country, members, head_gender=head)

    table = selectors.delegates_by_gender(meeting=meeting)

    heads, others = table.lines
    woman, man = 0, 1
    assert heads["total"] == 9 and others["total"] == 10
    # The one man at the head of a delegation is "fewer than 5" (the eight women beside him may show: each small
    # group could still be empty), and the men's total is not shown, or 7 less the six other delegates would
    # give him away.
    assert heads["counts"][man].hidden and str(heads["counts"][man]) == "fewer than 5"
    assert heads["counts"][woman].value == 8 and not heads["counts"][woman].hidden
    assert not others["counts"][man].hidden and others["counts"][man].value == 6
    assert others["counts"][woman].hidden
    assert table.column_totals[man].hidden


def test_delegates_by_gender_count_only_confirmed_members_still_registered(meeting):
    delegation = _confirmed_delegation(meeting, "AT", [Registration.Gender.MAN] * 5)
    cancelled = delegation.members.exclude(role=Member.Role.HEAD).first().registration
    Registration.objects.filter(pk=cancelled.pk).update(status=Registration.Status.CANCELLED)
    Member.objects.create(
        delegation=delegation,
        registration=RegistrationFactory(meeting=meeting, gender=Registration.Gender.MAN),
        role=Member.Role.ADVISER,
    )

    table = selectors.delegates_by_gender(meeting=meeting)

    assert [line["total"] for line in table.lines] == [1, 4]


def test_the_gender_table_is_shown_only_with_the_permission_and_uses_the_dashboards_words(client, meeting):
    _confirmed_delegation(meeting, "AT", [Registration.Gender.MAN] * 5 + [""] * 5)
    viewer = user_create(username="vera", group=VIEWERS, teams=[meeting])
    trusted = user_create(
        username="tom", group=ORGANISERS, permissions=["registration.view_diversity_answers"], teams=[meeting]
    )

    client.force_login(viewer)
    hidden = client.get(DASHBOARD).content.decode()
    client.force_login(trusted)
    shown = client.get(DASHBOARD).content.decode()

    assert 'id="delegates-gender"' not in hidden
    assert 'id="delegates-gender"' in shown
    assert "No answer" in shown and "Not answered" not in shown
    assert "fewer than 5" in shown


@pytest.mark.parametrize("meeting_id", ["abc", "999999"])
def test_a_meeting_id_that_is_not_one_of_the_users_answers_404(client, meeting, meeting_id):
    client.force_login(user_create(username="olga", group=ORGANISERS, teams=[meeting]))

    assert client.get(DASHBOARD, {"meeting": meeting_id}).status_code == 404
