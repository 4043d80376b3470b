"""The secretariat names States and organisations: each mistake said beside its field, the review's steps confirmed."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from delegations.models import Delegation, Entity

pytestmark = pytest.mark.django_db

ADD = reverse("admin:delegations_entity_add")
NO_FOCAL_POINTS = {
    "focal_points-TOTAL_FORMS": "0",
    "focal_points-INITIAL_FORMS": "0",
    "focal_points-MIN_NUM_FORMS": "0",
    "focal_points-MAX_NUM_FORMS": "1000",
}


@pytest.fixture
def secretariat(client):
    client.force_login(User.objects.create_superuser(username="sec", password="not-used"))
    return client


def test_a_state_entered_twice_is_refused_beside_the_country(secretariat, austria):
    response = secretariat.post(
        ADD, {"kind": "member_state", "country": "AT", "category": "member_state", **NO_FOCAL_POINTS}
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["country"] == [
        "This Member State is already on the list: add its focal points there."
    ]
    assert Entity.objects.count() == 1


def test_an_organisation_filed_as_a_government_is_refused_beside_the_category(secretariat):
    data = {"kind": "organisation", "country": "CH", "name": "Migrant Rights Network", "category": "member_state"}

    response = secretariat.post(ADD, {**data, **NO_FOCAL_POINTS})

    assert response.context["adminform"].form.errors["category"] == [
        "Choose the organisation's own category, not a government's."
    ]
    assert "Constraint" not in response.content.decode()
    assert not Entity.objects.exists()


def test_a_state_takes_its_governments_category_whatever_was_chosen(secretariat):
    data = {"kind": "member_state", "country": "HU", "name": "", "category": "civil_society"}

    response = secretariat.post(ADD, {**data, **NO_FOCAL_POINTS})

    assert response.status_code == 302
    assert Entity.objects.get().category == "member_state"


def test_verifying_credentials_says_whose_were_verified(secretariat, meeting, austria):
    delegation = Delegation.objects.create(meeting=meeting, entity=austria, credentials_file="x.pdf")

    response = secretariat.post(
        reverse("admin:delegations_delegation_changelist"),
        {"action": "verify_credentials", "_selected_action": [delegation.pk]},
        follow=True,
    )

    assert "Credentials verified: Austria." in response.content.decode()
    delegation.refresh_from_db()
    assert delegation.status == Delegation.Status.CREDENTIALS_VERIFIED
