"""Tests of the registration service functions: create, duplicate, closed, update, cancel, restore."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from registration import services
from registration.models import OutgoingEmail, Registration
from tests.factories import MeetingFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def _data(meeting, **overrides):
    return {
        "first_name": "Aigerim",
        "last_name": "Bekova",
        "email": "aigerim@example.kz",
        "job_title": "Adviser",
        "organisation": "Ministry of Labour",
        "category": Registration.Category.MEMBER_STATE,
        "country": "KZ",
        "imrf_attendance_level": Registration.AttendanceLevel.TECHNICAL,
        "listening_language": meeting.interpretation_languages.get(code="ru"),
        "gender": Registration.Gender.WOMAN,
        # The participant's consent to the gender answer, as the form's box gives it (rules.CONSENT_BOX).
        "diversity_consent": True,
        **overrides,
    }


def test_registration_create_saves_and_writes_confirmation(meeting, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        result = services.registration_create(meeting=meeting, data=_data(meeting), language="ru")

    registration = Registration.objects.get()
    assert result.created
    assert registration.status == Registration.Status.ACTIVE
    assert registration.language == "ru"
    assert registration.privacy_consent_at is not None
    assert len(registration.manage_token) >= 32
    assert list(registration.emails.values_list("kind", flat=True)) == [OutgoingEmail.Kind.CONFIRMATION]


def test_registration_create_same_email_other_case_sends_manage_link_again(meeting):
    first = services.registration_create(meeting=meeting, data=_data(meeting))

    second = services.registration_create(
        meeting=meeting, data=_data(meeting, email="  AIGERIM@Example.KZ ", first_name="Someone else")
    )

    assert not second.created
    # Not looked up: finding the row would be work a new address does not cause (issue 19, point 5).
    assert second.registration is None
    assert Registration.objects.get().pk == first.registration.pk
    assert Registration.objects.get().first_name == "Aigerim"
    assert sorted(OutgoingEmail.objects.values_list("kind", flat=True)) == [
        OutgoingEmail.Kind.CONFIRMATION,
        OutgoingEmail.Kind.MANAGE_LINK,
    ]


def test_registration_create_same_email_other_meeting_is_a_new_registration(meeting):
    services.registration_create(meeting=meeting, data=_data(meeting))
    other = MeetingFactory()

    result = services.registration_create(meeting=other, data=_data(other))

    assert result.created
    assert Registration.objects.count() == 2


def test_registration_create_after_deadline_is_refused(meeting):
    closes = meeting.registration_closes_at

    with pytest.raises(services.RegistrationClosed):
        services.registration_create(meeting=meeting, data=_data(meeting), now=closes)

    assert not Registration.objects.exists()


def test_registration_create_on_deadline_day_is_accepted(meeting):
    last_minute = meeting.registration_closes_at - datetime.timedelta(minutes=1)

    result = services.registration_create(meeting=meeting, data=_data(meeting), now=last_minute)

    assert result.created


def test_registration_update_changes_fields_and_emails_a_summary(meeting):
    registration = RegistrationFactory(meeting=meeting)
    french = meeting.interpretation_languages.get(code="fr")

    services.registration_update(registration=registration, data={"listening_language": french})

    registration.refresh_from_db()
    assert registration.listening_language == french
    assert registration.emails.filter(kind=OutgoingEmail.Kind.CHANGE).count() == 1


def test_registration_update_without_changes_sends_nothing(meeting):
    registration = RegistrationFactory(meeting=meeting)

    services.registration_update(registration=registration, data={"first_name": registration.first_name})

    assert not registration.emails.exists()


def test_registration_update_of_cancelled_registration_is_refused(meeting):
    registration = RegistrationFactory(meeting=meeting, status=Registration.Status.CANCELLED)

    with pytest.raises(PermissionDenied):
        services.registration_update(registration=registration, data={"first_name": "New"})

    registration.refresh_from_db()
    assert registration.first_name != "New"


def test_registration_cancel_keeps_the_row_with_status_and_time(meeting):
    registration = RegistrationFactory(meeting=meeting)

    services.registration_cancel(registration=registration)

    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    assert registration.cancelled_at is not None
    assert registration.emails.filter(kind=OutgoingEmail.Kind.CANCELLATION).count() == 1


def test_registration_cancel_twice_sends_one_cancellation(meeting):
    registration = RegistrationFactory(meeting=meeting)

    services.registration_cancel(registration=registration)
    services.registration_cancel(registration=registration)

    assert registration.emails.filter(kind=OutgoingEmail.Kind.CANCELLATION).count() == 1


def test_registration_restore_reactivates_a_cancelled_registration(meeting):
    registration = RegistrationFactory(meeting=meeting)
    services.registration_cancel(registration=registration)

    services.registration_restore(registration=registration)

    registration.refresh_from_db()
    assert registration.status == Registration.Status.ACTIVE
    assert registration.cancelled_at is None
