"""Moderation: approving and declining pending registrations, each decision emailed once."""

import pytest
from django.core import mail as django_mail

from registration.models import OutgoingEmail, Registration
from registration.moderation import registration_approve, registration_decline
from tests.factories import MeetingFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending():
    return RegistrationFactory(meeting=MeetingFactory(requires_approval=True), status=Registration.Status.PENDING)


def test_registration_approve_activates_and_emails_the_participant(pending, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        approved = registration_approve(registration=pending)

    pending.refresh_from_db()
    assert approved
    assert pending.status == Registration.Status.ACTIVE
    email = OutgoingEmail.objects.get(registration=pending)
    assert email.kind == OutgoingEmail.Kind.DECISION
    assert [message.to for message in django_mail.outbox] == [[pending.email]]


def test_registration_decline_declines_and_emails_the_participant(pending, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        declined = registration_decline(registration=pending)

    pending.refresh_from_db()
    assert declined
    assert pending.status == Registration.Status.DECLINED
    assert [message.to for message in django_mail.outbox] == [[pending.email]]


def test_registration_approve_twice_emails_once(pending):
    first = registration_approve(registration=pending)
    second = registration_approve(registration=Registration.objects.get(pk=pending.pk))

    assert (first, second) == (True, False)
    assert OutgoingEmail.objects.filter(registration=pending).count() == 1


@pytest.mark.parametrize("status", [Registration.Status.ACTIVE, Registration.Status.CANCELLED])
def test_registration_decline_leaves_a_registration_that_is_not_pending(status):
    registration = RegistrationFactory(status=status)

    declined = registration_decline(registration=registration)

    registration.refresh_from_db()
    assert not declined
    assert registration.status == status
    assert not OutgoingEmail.objects.exists()
