"""Business rules of registering: create, change, cancel, restore and erase a registration."""

import logging
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agenda.models import Meeting

from . import mail, retention
from .models import OutgoingEmail, Registration

logger = logging.getLogger(__name__)


class RegistrationClosed(PermissionDenied):
    """The meeting's registration deadline has passed."""


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
    """Cancel, keeping the row with its status and time; cancelling twice changes nothing."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.is_cancelled:
        return registration
    registration.status = Registration.Status.CANCELLED
    registration.cancelled_at = now or timezone.now()
    registration.save(update_fields=["status", "cancelled_at", "updated_at"])
    mail.email_queue(registration=registration, kind=OutgoingEmail.Kind.CANCELLATION)
    return registration


@transaction.atomic
def registration_restore(*, registration: Registration, now=None) -> Registration:
    """Undo a cancellation while registration is still open."""
    _ensure_open(registration.meeting, now)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if not registration.is_cancelled:
        return registration
    registration.status = _initial_status(registration.meeting)
    registration.cancelled_at = None
    registration.save(update_fields=["status", "cancelled_at", "updated_at"])
    mail.email_queue(registration=registration, kind=OutgoingEmail.Kind.CONFIRMATION)
    return registration


@transaction.atomic
def registration_erase(*, registration: Registration, now=None) -> Registration:
    """Anonymise a registration at its participant's request, at once and at any time; erasing twice changes nothing.

    The row stays, as the retention rules leave it, so the meeting's counts do not change.
    """
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.anonymised_at is None:
        retention.registrations_anonymise(pks=[registration.pk], now=now or timezone.now())
        registration.refresh_from_db()
    logger.info("registration erased by its participant", extra={"registration_id": registration.pk})
    return registration
