"""Business rules of registering: create, change, cancel and restore a registration."""

import logging
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agenda.models import Meeting

from . import mail
from .models import OutgoingEmail, Registration

logger = logging.getLogger(__name__)


class RegistrationClosed(PermissionDenied):
    """The meeting's registration deadline has passed."""


class RegistrationDeclined(PermissionDenied):
    """The organisers declined the registration: the participant can no longer cancel (and so restore) it."""


@dataclass(frozen=True)
class RegistrationResult:
    registration: Registration
    created: bool


def _ensure_open(meeting: Meeting, now=None):
    if not meeting.is_registration_open(now):
        raise RegistrationClosed(_("Registration for this meeting is closed."))


def registration_create(
    *, meeting: Meeting, data: dict[str, Any], language: str = "en", now=None
) -> RegistrationResult:
    """Register a participant, or, when the email is already registered, send its manage link again.

    The confirmation is written as an email row in the same transaction and
    queued only once it commits (see `mail.email_queue`).
    """
    _ensure_open(meeting, now)
    email = data["email"].strip()
    try:
        # Insert first and let the unique constraint find duplicates: one statement fewer for
        # the common case, and two simultaneous submissions cannot both get in.
        with transaction.atomic():
            registration = Registration.objects.create(
                meeting=meeting,
                **{**data, "email": email},
                status=_initial_status(meeting),
                privacy_consent_at=now or timezone.now(),
                language=language,
            )
            mail.email_queue(registration=registration, kind=OutgoingEmail.Kind.CONFIRMATION)
    except IntegrityError:
        with transaction.atomic():
            existing = _registration_for_email(meeting=meeting, email=email)
            if existing is None:
                raise
            mail.email_queue(registration=existing, kind=OutgoingEmail.Kind.MANAGE_LINK)
        logger.info("duplicate registration: manage link sent again", extra={"registration_id": existing.pk})
        return RegistrationResult(registration=existing, created=False)
    logger.info("registration created", extra={"registration_id": registration.pk})
    return RegistrationResult(registration=registration, created=True)


def _registration_for_email(*, meeting: Meeting, email: str) -> Registration | None:
    return Registration.objects.filter(meeting=meeting, email__iexact=email).first()


def _initial_status(meeting: Meeting) -> str:
    if getattr(meeting, "requires_approval", False):
        return Registration.Status.PENDING
    return Registration.Status.ACTIVE


@transaction.atomic
def registration_update(*, registration: Registration, data: dict[str, Any], now=None) -> Registration:
    """Change a registration until the deadline; the participant is emailed what now stands."""
    _ensure_open(registration.meeting, now)
    if registration.is_cancelled:
        raise PermissionDenied(_("A cancelled registration cannot be changed."))
    changed = [name for name, value in data.items() if getattr(registration, name) != value]
    if not changed:
        return registration
    for name in changed:
        setattr(registration, name, data[name])
    registration.save(update_fields=[*changed, "updated_at"])
    mail.email_queue(registration=registration, kind=OutgoingEmail.Kind.CHANGE)
    return registration


@transaction.atomic
def registration_cancel(*, registration: Registration, now=None) -> Registration:
    """Cancel, keeping the row with its status and time; cancelling twice changes nothing.

    A declined registration is refused: cancelling it, then restoring the cancellation, would
    undo the organisers' decision. So every cancelled registration is one its participant cancelled.
    """
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.is_cancelled:
        return registration
    if registration.status == Registration.Status.DECLINED:
        raise RegistrationDeclined(
            _("The organisers have declined this registration, so it cannot be cancelled or changed here.")
        )
    registration.status = Registration.Status.CANCELLED
    registration.cancelled_at = now or timezone.now()
    registration.save(update_fields=["status", "cancelled_at", "updated_at"])
    mail.email_queue(registration=registration, kind=OutgoingEmail.Kind.CANCELLATION)
    return registration


@transaction.atomic
def registration_restore(*, registration: Registration, now=None) -> Registration:
    """Undo the participant's own cancellation while registration is still open; anything else stays as it is.

    Only `registration_cancel` sets the cancelled status (the admin shows the status read-only),
    and it refuses declined registrations, so a decline never comes back as pending or active here.
    """
    _ensure_open(registration.meeting, now)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if not registration.is_cancelled:
        return registration
    registration.status = _initial_status(registration.meeting)
    registration.cancelled_at = None
    registration.save(update_fields=["status", "cancelled_at", "updated_at"])
    mail.email_queue(registration=registration, kind=OutgoingEmail.Kind.CONFIRMATION)
    return registration
