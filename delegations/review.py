"""The secretariat's review: verifying a delegation's credentials and confirming its members, each exactly once."""

import datetime
import logging

from celery import shared_task
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from delegations.models import Delegation, Member
from registration.mail import outbox
from registration.models import OutgoingEmail, Registration

logger = logging.getLogger(__name__)


def delegation_credentials_verify(*, delegation: Delegation, now: datetime.datetime) -> Delegation:
    """Record that the team checked the credentials uploaded; refused when there are none."""
    with transaction.atomic():
        delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
        if not delegation.credentials_file:
            raise ValidationError(_("This delegation has not uploaded its credentials yet."))
        if delegation.credentials_verified_at is None:
            delegation.credentials_verified_at = now
            if delegation.status == Delegation.Status.NOMINATED:
                delegation.status = Delegation.Status.CREDENTIALS_VERIFIED
            delegation.save(update_fields=["credentials_verified_at", "status"])
    return delegation


def delegation_confirm(*, delegation: Delegation, now: datetime.datetime) -> int:
    """Confirm every member not yet confirmed and email each, in their language, their manage link; return how many.

    Each member is confirmed exactly once, however often this runs or how many run at once: the members are
    locked and only those without `confirmed_at` are taken. Members on the waiting list wait on.
    """
    with transaction.atomic():
        delegation = Delegation.objects.select_for_update().select_related("entity").get(pk=delegation.pk)
        if delegation.credentials_verified_at is None:
            raise ValidationError(_("Verify the delegation's credentials before confirming it."))
        members = list(
            Member.objects.select_for_update(of=("self",))
            .select_related("registration__meeting")
            .filter(
                delegation=delegation,
                withdrawn_at=None,
                confirmed_at=None,
                registration__status=Registration.Status.PENDING,
            )
        )
        for member in members:
            registration = member.registration
            registration.status = Registration.Status.ACTIVE
            registration.save(update_fields=["status", "updated_at"])
            member.confirmed_at = now
            member.save(update_fields=["confirmed_at"])
            outbox.email_queue(
                registration=registration,
                kind=OutgoingEmail.Kind.CONFIRMATION,
                extra={"delegation_name": delegation.entity.display_name(registration.email_language)},
            )
        delegation.status = Delegation.Status.CONFIRMED
        delegation.confirmed_at = now
        delegation.save(update_fields=["status", "confirmed_at"])
    logger.info("delegation confirmed", extra={"delegation_id": delegation.pk, "members": len(members)})
    return len(members)


def delegation_confirm_later(*, delegation: Delegation) -> None:
    """Have a worker confirm the delegation once the transaction commits."""
    transaction.on_commit(lambda: confirm_delegation.apply_async(args=[delegation.pk]))


@shared_task(name="delegations.confirm_delegation", acks_late=True)
def confirm_delegation(delegation_id: int) -> int:
    delegation = Delegation.objects.filter(pk=delegation_id).first()
    if delegation is None:
        logger.warning("delegation %s is gone; nothing to confirm", delegation_id)
        return 0
    return delegation_confirm(delegation=delegation, now=timezone.now())
