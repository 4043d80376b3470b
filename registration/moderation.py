"""Moderation: an organiser approves or declines pending registrations, and the participant is told."""

from django.db import transaction
from django.utils import timezone

from registration import email_change, waiting_list
from registration.mail import outbox
from registration.mail.invitations import invitation_sequence_raise
from registration.models import OutgoingEmail, Registration, RegistrationEvent
from registration.on_behalf import registration_event_record


def _registration_decide(*, registration: Registration, status: str, act: str, actor, reason: str = "") -> bool:
    now = timezone.now()
    with transaction.atomic():
        # Locked, so two organisers deciding at once send one email, not two.
        locked = Registration.objects.select_for_update().get(pk=registration.pk)
        if locked.status != Registration.Status.PENDING:
            return False
        locked.status = status
        locked.save(update_fields=["status", "updated_at"])
        if status == Registration.Status.DECLINED:
            # A pending change of address would otherwise move the registration off the declined
            # address, which could then register again.
            email_change.email_changes_close(registration=locked, now=now)
        # A decline withdraws any invitation sent (METHOD:CANCEL), over the sequence the calendar holds.
        invitation_sequence_raise(registrations=[locked.pk])
        registration_event_record(registration=locked, act=act, actor=actor, note=reason, now=now)
        outbox.email_queue(registration=locked, kind=OutgoingEmail.Kind.DECISION, extra={"reason": reason.strip()})
        if status == Registration.Status.DECLINED:
            waiting_list.place_freed(meeting=locked.meeting, now=now)
    registration.status = status
    return True


def registration_approve(*, registration: Registration, actor=None) -> bool:
    """Make a pending registration active and email the participant; False if it was not pending."""
    return _registration_decide(
        registration=registration, status=Registration.Status.ACTIVE, act=RegistrationEvent.Act.APPROVED, actor=actor
    )


def registration_decline(*, registration: Registration, actor=None, reason: str = "") -> bool:
    """Decline a pending registration and email the participant, with the organisers' reason if they give one.

    The reason goes into the email as written (the organiser writes it in the participant's language);
    False if the registration was not pending.
    """
    return _registration_decide(
        registration=registration,
        status=Registration.Status.DECLINED,
        act=RegistrationEvent.Act.DECLINED,
        actor=actor,
        reason=reason,
    )
