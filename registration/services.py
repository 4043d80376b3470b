"""Business rules of registering: create, change, cancel, restore and erase a registration."""

import datetime
import logging
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agenda.models import Meeting
from registration import email_change, retention, waiting_list
from registration.mail import limits as mail_limits
from registration.mail import outbox
from registration.mail.invitations import invitation_sequence_raise
from registration.models import ONE_PER_EMAIL, EmailChangeRequest, OutgoingEmail, Registration
from registration.rules import registration_rules_check

logger = logging.getLogger(__name__)


class RegistrationClosed(PermissionDenied):
    """The meeting's registration deadline has passed."""


class RegistrationDeclined(PermissionDenied):
    """The organisers declined the registration: the participant can no longer cancel (and so restore) it."""


@dataclass(frozen=True)
class RegistrationResult:
    # None when the address was already registered: finding its row would be work a new address does not do.
    registration: Registration | None
    created: bool


@dataclass(frozen=True)
class RegistrationUpdate:
    registration: Registration
    changed: tuple[str, ...]
    # False when the changes were saved but the hour's allowance of emails was used up.
    summary_sent: bool
    email_change: EmailChangeRequest | None


def registration_open_ensure(*, meeting: Meeting, now=None) -> None:
    """Raise `RegistrationClosed` once the meeting's registration deadline has passed: the rule binding participants."""
    if not meeting.is_registration_open(now):
        raise RegistrationClosed(_("Registration for this meeting is closed."))


def registration_create(
    *, meeting: Meeting, data: dict[str, Any], language: str = "en", now=None
) -> RegistrationResult:
    """Register a participant, or, when the email is already registered, send its manage link again.

    `data` is checked against the rules (`rules.registration_rules_check`, raising `ValidationError`
    by field): a protected answer needs the `diversity_consent` box in `data`, whoever calls.

    A new and a registered address do the same work here, so the time the form takes does not tell
    which it was: one insert of the registration (refused by the unique constraint for a registered
    address, in a savepoint) and one insert of an unrendered email row, a confirmation or a manage
    link, which the worker renders when it sends it (see `outbox.email_queue_rendered_later`). The
    duplicate's email finds its registration by a subquery in its own insert, and whether the hour's
    allowance of manage links is used up is decided by the worker (`outbox.MANAGE_LINK_RESENDS_PER_HOUR`).
    `registration` is None in the result when the address was already registered.
    """
    registration_open_ensure(meeting=meeting, now=now)
    check = registration_rules_check(data=data, meeting=meeting, self_registration=True, now=now)
    if check.errors:
        raise ValidationError(check.errors)
    values = check.values
    registration = None
    with transaction.atomic():
        # Insert first and let the unique constraint find duplicates: no lookup before the write, and
        # two simultaneous submissions cannot both get in. A savepoint by hand rather than a nested
        # atomic(), which releases a savepoint after rolling back to it: one statement more for a
        # registered address than for a new one.
        status = _initial_status(meeting)
        # Only a meeting with a capacity locks its row (for a registered address too, so both paths do the
        # same work): the other meetings' registrations never wait on each other.
        if meeting.capacity is not None and waiting_list.meeting_is_full(
            meeting=waiting_list.meeting_lock(meeting=meeting)
        ):
            status = Registration.Status.WAITING
        savepoint = transaction.savepoint()
        try:
            registration = Registration.objects.create(
                meeting=meeting,
                **values,
                status=status,
                privacy_consent_at=now or timezone.now(),
                language=language,
            )
        except IntegrityError as error:
            # The failed insert marked the transaction for rollback; rolling back to the savepoint
            # taken just before it makes it good again (Django refuses any statement until told so).
            transaction.set_rollback(False)
            transaction.savepoint_rollback(savepoint)
            if ONE_PER_EMAIL not in str(error):
                raise
        else:
            transaction.savepoint_commit(savepoint)
        if registration is not None:
            kind = (
                OutgoingEmail.Kind.WAITING_LIST
                if status == Registration.Status.WAITING
                else OutgoingEmail.Kind.CONFIRMATION
            )
            outbox.email_queue_rendered_later(registration=registration, kind=kind)
        else:
            outbox.email_queue_rendered_later_for_address(
                meeting=meeting, email=values["email"], kind=OutgoingEmail.Kind.MANAGE_LINK
            )
    if registration is None:
        logger.info("duplicate registration: manage link queued", extra={"meeting_id": meeting.pk})
        return RegistrationResult(registration=None, created=False)
    logger.info("registration created", extra={"registration_id": registration.pk})
    return RegistrationResult(registration=registration, created=True)


def registration_create_nominated(
    *, meeting: Meeting, data: dict[str, Any], language: str, waiting: bool, now=None
) -> Registration:
    """Register someone others nominated (a delegation's focal point): pending the secretariat's confirmation,
    or on the waiting list; no email yet, as nothing is decided. Call it inside the caller's transaction.

    The same row and constraint as `registration_create`: an address already registered for the meeting is
    refused (`ValidationError` on "email"), nothing saved. The privacy notice is the focal point's to pass on
    (the nomination form says so); the personal questions are left for the member's own manage link.
    """
    check = registration_rules_check(data=data, meeting=meeting, now=now)
    if check.errors:
        raise ValidationError(check.errors)
    status = Registration.Status.WAITING if waiting else Registration.Status.PENDING
    try:
        with transaction.atomic():
            return Registration.objects.create(
                meeting=meeting,
                **check.values,
                status=status,
                privacy_consent_at=now or timezone.now(),
                language=language,
            )
    except IntegrityError as error:
        raise ValidationError({"email": _("Another registration for this meeting already has this email.")}) from error


def _registration_for_email(*, meeting: Meeting, email: str) -> Registration | None:
    return Registration.objects.filter(meeting=meeting, email__iexact=email).first()


def _initial_status(meeting: Meeting) -> str:
    if meeting.requires_approval:
        return Registration.Status.PENDING
    return Registration.Status.ACTIVE


@transaction.atomic
def registration_update(*, registration: Registration, data: dict[str, Any], now=None) -> RegistrationUpdate:
    """Change a registration until the deadline; the participant is emailed what now stands.

    `data` is checked against the rules first (`ValidationError` by field, nothing saved); a protected
    answer needs the `diversity_consent` box in `data` or the consent already stored.
    A new email address is not written here: the new address is asked to confirm it (see
    `email_change.email_change_request`), so the manage link cannot send mail to strangers.
    Raises `mail_limits.EmailLimitReached`, saving nothing, when an email change would go over
    the hour's allowance of emails; other changes over the allowance are saved without a summary.
    """
    now = now or timezone.now()
    registration_open_ensure(meeting=registration.meeting, now=now)
    registration = (
        Registration.objects.select_for_update(of=("self",)).select_related("meeting").get(pk=registration.pk)
    )
    if registration.is_cancelled:
        raise PermissionDenied(_("A cancelled registration cannot be changed."))
    check = registration_rules_check(
        data=data, meeting=registration.meeting, instance=registration, self_registration=True, now=now
    )
    if check.errors:
        raise ValidationError(check.errors)
    data = dict(check.values)
    new_email = data.pop("email", registration.email)
    # The same mailbox in other letters is saved as it is; another address waits for its confirmation.
    wants_new_email = new_email.casefold() != registration.email.casefold()
    if not wants_new_email:
        data["email"] = new_email
    else:
        email_change.email_change_allowance_ensure(registration=registration, now=now)
    changed = tuple(name for name, value in data.items() if getattr(registration, name) != value)
    if changed:
        for name in changed:
            setattr(registration, name, data[name])
        registration.save(update_fields=[*changed, "updated_at"])
    change = None
    if wants_new_email:
        # After the other changes, so the confirmation is written in the language just chosen.
        change = email_change.email_change_request(registration=registration, new_email=new_email, now=now)
    summary = None
    if changed:
        summary = mail_limits.manage_email_queue(registration=registration, kind=OutgoingEmail.Kind.CHANGE, now=now)
    return RegistrationUpdate(
        registration=registration, changed=changed, summary_sent=summary is not None, email_change=change
    )


def registration_organiser_update(
    *, registration: Registration, data: dict[str, Any], notify_participant: bool = False, now=None
) -> tuple[str, ...]:
    """An organiser's correction of a registration; returns the names of the fields changed.

    The same rules as the participant's form (`rules.registration_rules_check`), and a taken address
    refused, raising `ValidationError` by field. Unlike the participant's own changes it is allowed after
    the registration deadline, which binds participants: correcting a name or a language once the list
    is closed is part of preparing the meeting. The participant is emailed the change summary only when
    the organiser asks (`notify_participant`), through the same outbox as the manage page's summary.

    A new email address is not written: as on the manage page, the new address is asked to confirm it
    (`email_change.email_change_request`) and until it does every email goes to the current one. So an
    organiser cannot have a registration's link, or its answers, sent to an address of their choosing.
    """
    now = now or timezone.now()
    check = registration_rules_check(
        data=data, meeting=registration.meeting, instance=registration, refuse_taken_email=True, now=now
    )
    if check.errors:
        raise ValidationError(check.errors)
    values = dict(check.values)
    with transaction.atomic():
        stored = Registration.objects.select_for_update(of=("self",)).select_related("meeting").get(pk=registration.pk)
        new_email = values.pop("email", stored.email)
        # The same mailbox in other letters is saved as it is; another address waits for its confirmation.
        wants_new_email = new_email.casefold() != stored.email.casefold()
        if not wants_new_email:
            values["email"] = new_email
        changed = tuple(name for name, value in values.items() if getattr(stored, name) != value)
        if changed:
            for name in changed:
                setattr(stored, name, values[name])
            stored.save(update_fields=[*changed, "updated_at"])
        if changed and notify_participant:
            outbox.email_queue(registration=stored, kind=OutgoingEmail.Kind.CHANGE)
        if wants_new_email:
            email_change.email_change_request(registration=stored, new_email=new_email, now=now, by_organisers=True)
    logger.info("registration changed by an organiser", extra={"registration_id": registration.pk})
    return changed


@transaction.atomic
def registration_cancel(*, registration: Registration, now=None, notify: bool = True) -> Registration:
    """Cancel, keeping the row with its status and time; cancelling twice changes nothing.

    `notify=False` when someone else withdraws a registration its participant was never told of (a delegation
    member withdrawn before the secretariat confirmed them).

    A declined registration is refused: cancelling it, then restoring the cancellation, would
    undo the organisers' decision. So every cancelled registration is one its participant cancelled.
    """
    now = now or timezone.now()
    registration = Registration.objects.select_for_update().select_related("meeting").get(pk=registration.pk)
    if registration.is_cancelled:
        return registration
    if registration.status == Registration.Status.DECLINED:
        raise RegistrationDeclined(
            _("The organisers have declined this registration, so it cannot be cancelled or changed here.")
        )
    registration_mark_cancelled(registration=registration, now=now)
    if notify:
        mail_limits.manage_answer_queue(registration=registration, kind=OutgoingEmail.Kind.CANCELLATION, now=now)
    return registration


def registration_mark_cancelled(*, registration: Registration, now: datetime.datetime) -> None:
    """What every cancellation does, the participant's or the organisers' on their behalf; the caller holds the lock."""
    registration.status = Registration.Status.CANCELLED
    registration.cancelled_at = now
    registration.save(update_fields=["status", "cancelled_at", "updated_at"])
    # A change of address asked before cancelling stays closed even if the registration is restored.
    email_change.email_changes_close(registration=registration, now=now)
    # The cancellation carries METHOD:CANCEL, which calendars apply only over the last sequence they saw.
    invitation_sequence_raise(registrations=[registration.pk])
    # The place it held goes to the first on the waiting list, if the meeting has one.
    waiting_list.place_freed(meeting=registration.meeting, now=now)


@transaction.atomic
def registration_restore(*, registration: Registration, now=None) -> Registration:
    """Undo the participant's own cancellation while registration is still open; anything else stays as it is.

    Only `registration_cancel` sets the cancelled status (the admin shows the status read-only),
    and it refuses declined registrations, so a decline never comes back as pending or active here.
    """
    now = now or timezone.now()
    registration_open_ensure(meeting=registration.meeting, now=now)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if not registration.is_cancelled:
        return registration
    registration_mark_restored(registration=registration, status=_initial_status(registration.meeting))
    mail_limits.manage_answer_queue(registration=registration, kind=OutgoingEmail.Kind.CONFIRMATION, now=now)
    return registration


def registration_mark_restored(*, registration: Registration, status: str) -> None:
    """What every restoration does, the participant's or the organisers' on their behalf; the caller holds the lock.

    A meeting whose places were all taken meanwhile puts the restored registration on its waiting list:
    the capacity is never exceeded, whoever restores.
    """
    meeting = registration.meeting
    if meeting.capacity is not None and waiting_list.meeting_is_full(
        meeting=waiting_list.meeting_lock(meeting=meeting)
    ):
        status = Registration.Status.WAITING
    registration.status = status
    registration.cancelled_at = None
    registration.save(update_fields=["status", "cancelled_at", "updated_at"])
    # The confirmation's invitation must outrank the CANCEL the calendar holds.
    invitation_sequence_raise(registrations=[registration.pk])


@transaction.atomic
def registration_erase(*, registration: Registration, now=None) -> Registration:
    """Anonymise a registration at its participant's request, at once and at any time; erasing twice changes nothing.

    The row stays, as the retention rules leave it, so the meeting's counts do not change.
    """
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.anonymised_at is None:
        retention.registrations_anonymise(pks=[registration.pk], now=now or timezone.now(), consent_withdrawn=True)
        registration.refresh_from_db()
    logger.info("registration erased by its participant", extra={"registration_id": registration.pk})
    return registration
