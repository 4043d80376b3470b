"""The rules of a valid registration, once for the public form, the admin and the services (registration/rules.py)."""

import pytest
from django.core.exceptions import ValidationError

from registration import services
from registration.forms import RegistrationForm
from registration.models import OutgoingEmail, Registration
from registration.rules import registration_rules_check
from tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


def test_registration_rules_check_empties_answers_that_do_not_apply(meeting):
    data = {"category": "member_state", "category_other": "Parliament", "accreditation_route": "ecosoc"}

    check = registration_rules_check(data={**data, "imrf_attendance_level": "minister"}, meeting=meeting)

    assert check.errors == {}
    assert (check.values["category_other"], check.values["accreditation_route"]) == ("", "")


def test_registration_rules_check_tells_a_taken_address_only_when_asked(meeting):
    RegistrationFactory(meeting=meeting, email="taken@example.org")
    data = {"email": " TAKEN@example.org "}

    participant = registration_rules_check(data=data, meeting=meeting)
    organiser = registration_rules_check(data=data, meeting=meeting, refuse_taken_email=True)

    assert participant.errors == {}
    assert participant.values["email"] == "TAKEN@example.org"
    assert list(organiser.errors) == ["email"]


def test_public_form_and_organiser_check_refuse_a_missing_answer_alike(meeting, form_data):
    registration = RegistrationFactory(meeting=meeting)
    public = RegistrationForm({**form_data, "wishes_to_speak": "on"}, meeting=meeting)

    public.is_valid()
    admin_errors = registration_rules_check(
        data={"email": registration.email, "wishes_to_speak": True, "intervention_topic": ""},
        meeting=meeting,
        instance=registration,
        refuse_taken_email=True,
    ).errors

    assert public.errors["intervention_topic"] == admin_errors["intervention_topic"]


def test_registration_organiser_update_refuses_what_the_form_refuses(meeting):
    registration = RegistrationFactory(meeting=meeting, gender="", diversity_consent_at=None)

    with pytest.raises(ValidationError) as refused:
        services.registration_organiser_update(registration=registration, data={"gender": "man"})

    assert "gender" in refused.value.message_dict
    registration.refresh_from_db()
    assert registration.gender == ""


def test_registration_organiser_update_twice_emails_once_and_only_when_asked(
    meeting, django_capture_on_commit_callbacks
):
    registration = RegistrationFactory(meeting=meeting, job_title="Adviser")

    with django_capture_on_commit_callbacks(execute=True):
        first = services.registration_organiser_update(
            registration=registration, data={"job_title": "Director"}, notify_participant=True
        )
        second = services.registration_organiser_update(
            registration=registration, data={"job_title": "Director"}, notify_participant=True
        )

    assert (first, second) == (("job_title",), ())
    assert Registration.objects.get(pk=registration.pk).job_title == "Director"
    assert registration.emails.filter(kind=OutgoingEmail.Kind.CHANGE).count() == 1
