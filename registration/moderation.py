"""Moderation: an organiser approves or declines pending registrations, and the participant is told."""

from django.db import transaction
from django.utils import timezone

from registration import waiting_list
from registration.mail import outbox
from registration.models import OutgoingEmail, Registration


def _registration_decide(*, registration: Registration, status: str) -> bool:
    with transaction.atomic():
        # Locked, so two organisers deciding at once send one email, not two.
        locked = Registration.objects.select_for_update().get(pk=registration.pk)
        if locked.status != Registration.Status.PENDING:
            return False
        locked.status = status
        locked.save(update_fields=["status", "updated_at"])
        outbox.email_queue(registration=locked, kind=OutgoingEmail.Kind.DECISION)
        if status == Registration.Status.DECLINED:
            waiting_list.place_freed(meeting=locked.meeting, now=timezone.now())
    registration.status = status
    return True


def registration_approve(*, registration: Registration) -> bool:
    """Make a pending registration active and email the participant; False if it was not pending."""
    return _registration_decide(registration=registration, status=Registration.Status.ACTIVE)


def registration_decline(*, registration: Registration) -> bool:
    """Decline a pending registration and email the participant; False if it was not pending."""
    return _registration_decide(registration=registration, status=Registration.Status.DECLINED)
