"""Categories a meeting registers through focal points only: the public form points them there (rules.py)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from registration import services
from registration.models import Registration
from registration.on_behalf import registration_create_on_behalf
from tests.factories import RegistrationFactory, registration_data
from tests.registration.roles import ORGANISERS, user_create

pytestmark = pytest.mark.django_db

POINTED_TO_FOCAL_POINT = "Participants of this category are nominated by their focal point"


@pytest.fixture
def governments_through_focal_points(meeting):
    meeting.focal_point_categories = [Registration.Category.MEMBER_STATE]
    meeting.save()
    return meeting


def test_the_form_without_script_refuses_a_government_participant_beside_the_category(
    governments_through_focal_points, register_url, client, form_data
):
    response = client.post(register_url, form_data)

    content = response.content.decode()
    assert response.status_code == 200
    assert not Registration.objects.exists()
    assert response.context["form"].errors["category"][0].startswith(POINTED_TO_FOCAL_POINT)
    assert 'href="#id_category"' in content
    assert governments_through_focal_points.contact_email in response.context["form"].errors["category"][0]
    assert 'value="Đoković-Čačić"' in content


def test_the_form_shows_the_note_when_such_a_category_is_chosen(governments_through_focal_points, register_url, client):
    content = client.get(register_url).content.decode()

    # Hidden until the page's script sees "member_state" chosen; announced as it appears.
    assert '<div aria-live="polite"><p class="alert alert-info" id="focal-point-note" hidden' in content
    assert 'data-show-when-category="member_state"' in content
    assert POINTED_TO_FOCAL_POINT in content


def test_the_form_of_a_meeting_without_such_categories_has_no_note_and_registers_governments(
    meeting, register_url, client, form_data
):
    assert "focal-point-note" not in client.get(register_url).content.decode()

    response = client.post(register_url, form_data)

    assert response.status_code == 302
    assert Registration.objects.get().category == Registration.Category.MEMBER_STATE


def test_another_category_registers_on_the_form(governments_through_focal_points, register_url, client, form_data):
    data = {**form_data, "category": Registration.Category.CIVIL_SOCIETY, "imrf_attendance_level": ""}

    response = client.post(register_url, data)

    assert response.status_code == 302
    assert Registration.objects.get().category == Registration.Category.CIVIL_SOCIETY


def test_the_service_refuses_it_too(governments_through_focal_points):
    with pytest.raises(ValidationError) as refused:
        services.registration_create(
            meeting=governments_through_focal_points, data=registration_data(governments_through_focal_points)
        )

    assert list(refused.value.message_dict) == ["category"]
    assert not Registration.objects.exists()


def test_a_participant_cannot_move_into_such_a_category_from_their_link(governments_through_focal_points, client):
    registration = RegistrationFactory(
        meeting=governments_through_focal_points,
        category=Registration.Category.CIVIL_SOCIETY,
        imrf_attendance_level="",
    )
    url = reverse("registration:manage", args=[registration.manage_token])
    form = client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value not in (None, False)}
    data.update(category=Registration.Category.MEMBER_STATE, imrf_attendance_level="minister")

    response = client.post(url, data)

    assert response.status_code == 200
    assert response.context["form"].errors["category"][0].startswith(POINTED_TO_FOCAL_POINT)
    registration.refresh_from_db()
    assert registration.category == Registration.Category.CIVIL_SOCIETY


def test_a_delegate_their_focal_point_nominated_changes_their_own_answers(governments_through_focal_points, client):
    registration = RegistrationFactory(meeting=governments_through_focal_points, gender="", diversity_consent_at=None)
    url = reverse("registration:manage", args=[registration.manage_token])
    form = client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value not in (None, False)}
    data.update(gender=Registration.Gender.WOMAN, diversity_consent="on")

    response = client.post(url, data)

    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.gender == Registration.Gender.WOMAN


def test_an_organiser_still_registers_a_minister_on_their_behalf(governments_through_focal_points):
    olga = user_create(username="olga", group=ORGANISERS, teams=[governments_through_focal_points])
    data = registration_data(governments_through_focal_points, email="minister@example.org")
    for protected in ("gender", "diversity_consent", "age_group", "disability", "migrant_or_diaspora", "youth"):
        data.pop(protected, None)

    registration = registration_create_on_behalf(
        meeting=governments_through_focal_points, data=data, language="en", actor=olga
    )

    assert registration.category == Registration.Category.MEMBER_STATE


def test_the_meeting_page_says_who_registers_through_focal_points(governments_through_focal_points, client):
    content = client.get(reverse("agenda:meeting", args=[governments_through_focal_points.slug])).content.decode()

    assert "Nominated by their focal point, not on the registration form: Member State government." in content
