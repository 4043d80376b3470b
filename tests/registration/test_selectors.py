"""The organisers' reads: the email status of each registration and the order of the speakers' list."""

import datetime

import pytest
from django.utils import timezone

from registration.models import OutgoingEmail, Registration
from registration.selectors import registration_list_with_email_status, registration_speakers_list
from tests.factories import MeetingFactory, OutgoingEmailFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

Coordination = Registration.Coordination
Status = OutgoingEmail.Status
NOW = timezone.now()


def _email(registration, *, kind=OutgoingEmail.Kind.CONFIRMATION, status, created_at=NOW):
    return OutgoingEmailFactory(registration=registration, kind=kind, status=status, created_at=created_at)


def _statuses(registrations):
    annotated = registration_list_with_email_status(registrations=registrations)
    return {registration.first_name: registration.confirmation_status for registration in annotated}


def test_registration_list_with_email_status_is_the_latest_confirmations(meeting):
    resent = RegistrationFactory(meeting=meeting, first_name="Resent")
    _email(resent, status=Status.FAILED, created_at=NOW - datetime.timedelta(hours=2))
    _email(resent, status=Status.SENT, created_at=NOW - datetime.timedelta(hours=1))
    failing = RegistrationFactory(meeting=meeting, first_name="Failing")
    _email(failing, status=Status.SENT, created_at=NOW - datetime.timedelta(hours=2))
    _email(failing, status=Status.FAILED, created_at=NOW - datetime.timedelta(hours=1))
    RegistrationFactory(meeting=meeting, first_name="Never written to")

    statuses = _statuses(Registration.objects.all())

    assert statuses == {"Resent": Status.SENT, "Failing": Status.FAILED, "Never written to": None}


def test_registration_list_with_email_status_ignores_other_kinds_of_email(meeting):
    registration = RegistrationFactory(meeting=meeting, first_name="Amira")
    _email(registration, status=Status.FAILED, created_at=NOW - datetime.timedelta(days=1))
    _email(registration, kind=OutgoingEmail.Kind.REMINDER, status=Status.SENT)
    _email(registration, kind=OutgoingEmail.Kind.CHANGE, status=Status.SENT)

    statuses = _statuses(Registration.objects.all())

    assert statuses == {"Amira": Status.FAILED}


def test_registration_list_with_email_status_on_a_tie_takes_the_one_written_last(meeting):
    registration = RegistrationFactory(meeting=meeting, first_name="Amira")
    _email(registration, status=Status.FAILED)
    _email(registration, status=Status.QUEUED)

    statuses = _statuses(Registration.objects.all())

    assert statuses == {"Amira": Status.QUEUED}


@pytest.fixture
def speaker(meeting):
    start = NOW - datetime.timedelta(days=3)

    def create(name, hours, *, group=None, **fields):
        if group is not None:
            fields |= {"intervention_coordination": Coordination.GROUP, "intervention_group": group}
        return RegistrationFactory(
            meeting=meeting,
            first_name=name,
            wishes_to_speak=True,
            created_at=start + datetime.timedelta(hours=hours),
            **fields,
        )

    return create


def _names(registrations):
    return [registration.first_name for registration in registration_speakers_list(registrations=registrations)]


def test_registration_speakers_list_leaves_out_listeners_cancelled_and_declined(meeting, speaker):
    speaker("Speaking", 1)
    speaker("Cancelled", 0, status=Registration.Status.CANCELLED)
    speaker("Declined", 0, status=Registration.Status.DECLINED)
    speaker("Awaiting approval", 2, status=Registration.Status.PENDING)
    RegistrationFactory(meeting=meeting, first_name="Listening", wishes_to_speak=False)

    names = _names(Registration.objects.all())

    assert names == ["Speaking", "Awaiting approval"]


def test_registration_speakers_list_puts_a_group_at_its_first_remaining_request(speaker):
    speaker("EU, withdrawn", 0, group="European Union", status=Registration.Status.CANCELLED)
    speaker("Own", 1)
    speaker("EU first remaining", 2, group="EUROPEAN UNION")
    speaker("Friends", 3, group="Group of Friends")
    speaker("EU again", 4, group=" european union  ")

    names = _names(Registration.objects.all())

    assert names == ["Own", "EU first remaining", "EU again", "Friends"]


def test_registration_speakers_list_group_without_a_name_speaks_alone(speaker):
    speaker("Unnamed group A", 1, group="")
    speaker("Own", 2)
    speaker("Unnamed group B", 3, group="")

    names = _names(Registration.objects.all())

    assert names == ["Unnamed group A", "Own", "Unnamed group B"]


def test_registration_speakers_list_keeps_to_the_registrations_given(meeting, speaker):
    speaker("This meeting", 1, group="African Group")
    other = MeetingFactory()
    RegistrationFactory(meeting=other, first_name="Other meeting", wishes_to_speak=True)

    names = _names(Registration.objects.filter(meeting=meeting))

    assert names == ["This meeting"]
