"""Organisers acting on a participant's behalf: each act through its service, recorded with who and when, emailed."""

import datetime

import pytest
from django.core import mail as django_mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from registration.models import OutgoingEmail, Registration, RegistrationEvent
from registration.moderation import registration_approve, registration_decline
from registration.on_behalf import (
    registration_cancel_on_behalf,
    registration_create_on_behalf,
    registration_link_resend,
    registration_restore_on_behalf,
)
from registration.services import RegistrationClosed
from tests.factories import MeetingFactory, RegistrationFactory
from tests.registration.roles import ORGANISERS, user_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def olga(meeting):
    return user_create(username="olga", group=ORGANISERS, teams=[meeting])


def _answers(meeting, **changes):
    """What a minister's office emails: a name, an address and the minister's details."""
    return {
        "first_name": "Anne",
        "last_name": "Lefèvre",
        "email": "anne.lefevre@diplomatie.example.fr",
        "job_title": "Minister",
        "organisation": "Ministère de l'Intérieur",
        "category": Registration.Category.MEMBER_STATE,
        "country": "FR",
        "imrf_attendance_level": Registration.AttendanceLevel.MINISTER,
        "listening_language": meeting.interpretation_languages.get(code="fr"),
        **changes,
    }


def _only_event(registration):
    event = RegistrationEvent.objects.get(registration=registration)
    return event.act, event.actor.username, event.note


def test_an_organiser_registers_someone_who_is_emailed_their_link_in_their_language(
    meeting, olga, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        registration = registration_create_on_behalf(
            meeting=meeting, data=_answers(meeting), language="fr", actor=olga, note="Email of the Mission, 3 March"
        )

    assert registration.status == Registration.Status.ACTIVE
    assert _only_event(registration) == (RegistrationEvent.Act.ADDED, "olga", "Email of the Mission, 3 March")
    [message] = django_mail.outbox
    assert message.to == ["anne.lefevre@diplomatie.example.fr"]
    assert "Votre inscription" in message.subject
    assert f"/register/manage/{registration.manage_token}/" in message.body


def test_a_registration_on_someones_behalf_keeps_the_forms_rules(meeting, olga):
    with pytest.raises(ValidationError) as refused:
        registration_create_on_behalf(
            meeting=meeting, data=_answers(meeting, imrf_attendance_level=""), language="en", actor=olga
        )

    assert "imrf_attendance_level" in refused.value.message_dict
    assert not Registration.objects.exists()
    assert not RegistrationEvent.objects.exists()


def test_a_registration_on_someones_behalf_refuses_a_taken_address(meeting, olga):
    RegistrationFactory(meeting=meeting, email="Anne.Lefevre@diplomatie.example.fr")

    with pytest.raises(ValidationError) as refused:
        registration_create_on_behalf(meeting=meeting, data=_answers(meeting), language="en", actor=olga)

    assert "email" in refused.value.message_dict


def test_after_the_deadline_an_organiser_registers_someone_only_when_choosing_to(olga):
    closed = MeetingFactory(registration_deadline=timezone.localdate() - datetime.timedelta(days=1))

    with pytest.raises(RegistrationClosed):
        registration_create_on_behalf(meeting=closed, data=_answers(closed), language="en", actor=olga)
    registration = registration_create_on_behalf(
        meeting=closed, data=_answers(closed), language="en", actor=olga, after_deadline=True
    )

    assert registration.status == Registration.Status.ACTIVE


def test_cancel_and_restore_on_request_are_recorded_and_emailed(meeting, olga, django_capture_on_commit_callbacks):
    registration = RegistrationFactory(meeting=meeting, language="es")

    with django_capture_on_commit_callbacks(execute=True):
        cancelled = registration_cancel_on_behalf(registration=registration, actor=olga, note="Phoned on Monday")
    registration.refresh_from_db()
    assert cancelled and registration.status == Registration.Status.CANCELLED
    assert "Su inscripción se ha cancelado" in django_mail.outbox[-1].subject

    with django_capture_on_commit_callbacks(execute=True):
        restored = registration_restore_on_behalf(registration=registration, actor=olga, note="Phoned again")
    registration.refresh_from_db()
    assert restored and registration.status == Registration.Status.ACTIVE
    acts = list(registration.events.order_by("at", "pk").values_list("act", "actor__username", "note"))
    assert acts == [
        (RegistrationEvent.Act.CANCELLED, "olga", "Phoned on Monday"),
        (RegistrationEvent.Act.RESTORED, "olga", "Phoned again"),
    ]
    assert [message.to for message in django_mail.outbox] == [[registration.email], [registration.email]]


def test_the_organisers_cancellation_is_emailed_even_after_the_hours_allowance_of_the_manage_link(meeting, olga):
    registration = RegistrationFactory(meeting=meeting)
    for _ in range(10):
        OutgoingEmail.objects.create(
            registration=registration, kind=OutgoingEmail.Kind.CHANGE, to_email=registration.email, subject="x"
        )

    registration_cancel_on_behalf(registration=registration, actor=olga)

    assert OutgoingEmail.objects.filter(registration=registration, kind=OutgoingEmail.Kind.CANCELLATION).exists()


def test_a_declined_registration_cannot_be_cancelled_and_so_restored(meeting, olga):
    registration = RegistrationFactory(meeting=meeting, status=Registration.Status.DECLINED)

    assert not registration_cancel_on_behalf(registration=registration, actor=olga)
    assert not registration_restore_on_behalf(registration=registration, actor=olga)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.DECLINED
    assert not RegistrationEvent.objects.exists()


def test_decline_with_a_reason_carries_it_to_the_participant(olga, django_capture_on_commit_callbacks):
    pending = RegistrationFactory(meeting=MeetingFactory(requires_approval=True), status=Registration.Status.PENDING)
    reason = "Places are limited to two per delegation; the webcast is open to all."

    with django_capture_on_commit_callbacks(execute=True):
        assert registration_decline(registration=pending, actor=olga, reason=reason)

    assert _only_event(pending) == (RegistrationEvent.Act.DECLINED, "olga", reason)
    [message] = django_mail.outbox
    assert reason in message.body
    assert reason in message.alternatives[0][0]


def test_decline_without_a_reason_says_none(olga, django_capture_on_commit_callbacks):
    pending = RegistrationFactory(meeting=MeetingFactory(requires_approval=True), status=Registration.Status.PENDING)

    with django_capture_on_commit_callbacks(execute=True):
        registration_decline(registration=pending, actor=olga)

    assert "note" not in django_mail.outbox[0].body


def test_an_approval_is_recorded_with_who_approved(olga):
    pending = RegistrationFactory(meeting=MeetingFactory(requires_approval=True), status=Registration.Status.PENDING)

    registration_approve(registration=pending, actor=olga)

    assert _only_event(pending) == (RegistrationEvent.Act.APPROVED, "olga", "")


def test_resending_the_link_goes_to_the_registrations_address_and_is_recorded(
    meeting, olga, django_capture_on_commit_callbacks
):
    registration = RegistrationFactory(meeting=meeting)

    with django_capture_on_commit_callbacks(execute=True):
        assert registration_link_resend(registration=registration, actor=olga)

    assert _only_event(registration)[:2] == (RegistrationEvent.Act.LINK_RESENT, "olga")
    [message] = django_mail.outbox
    assert message.to == [registration.email]
    assert f"/register/manage/{registration.manage_token}/" in message.body


def test_no_link_is_resent_for_an_erased_registration(meeting, olga):
    registration = RegistrationFactory(meeting=meeting, anonymised_at=timezone.now())

    assert not registration_link_resend(registration=registration, actor=olga)
    assert not OutgoingEmail.objects.exists()
