"""Moving a registration to a new email address, asked by its participant or the organisers, confirmed from it."""

import datetime
import enum
import logging
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from registration.mail import limits as mail_limits
from registration.mail import outbox
from registration.models import EmailChangeRequest, OutgoingEmail, Registration, new_manage_token
from registration.rules import registration_email_taken
from registration.secret_links import manage_url, secret_link_url

logger = logging.getLogger(__name__)


class EmailChangeOutcome(enum.StrEnum):
    CONFIRMED = "confirmed"
    REFUSED = "refused"
    # The new address already has a registration for the meeting.
    TAKEN = "taken"
    # Expired, used, refused, or overtaken by a newer request.
    STALE = "stale"
    # Registration has closed, or the registration is cancelled or anonymised.
    CLOSED = "closed"


def email_mask(email: str) -> str:
    """An address shown to the old one without spelling it out: d•••@m•••.rs for djordje@mup.example.rs."""
    local, _at, domain = email.rpartition("@")
    top_level = domain.rpartition(".")[2]
    return f"{local[:1]}•••@{domain[:1]}•••.{top_level}"


def email_change_allowance_ensure(*, registration: Registration, now: datetime.datetime) -> None:
    """Raise `mail_limits.EmailLimitReached` when the two emails of a change would go over the hour's allowance."""
    if mail_limits.manage_emails_left(registration=registration, now=now) < 2:
        raise mail_limits.EmailLimitReached


def email_change_request(
    *, registration: Registration, new_email: str, now: datetime.datetime, by_organisers: bool = False
) -> EmailChangeRequest:
    """Ask `new_email` to confirm that the registration may move to it, and tell the current address.

    The caller holds the registration's row lock. Whether `new_email` already has a registration is
    not looked at here: the requester gets the same answer either way, and only the owner of the new
    address learns it, on the confirmation page. Nothing moves until the new address confirms, so no
    email about the registration reaches an address its participant has not shown to be theirs.

    Asked with the manage link (`by_organisers` False), the caller has made sure with
    `email_change_allowance_ensure`, under the same lock, that its two emails fit in the hour's
    allowance, and the current address gets a link to refuse. Asked by the organisers, the current
    address is told without a link: it may be the mistyped address they are correcting.
    """
    change = EmailChangeRequest.objects.create(
        registration=registration, new_email=new_email, created_at=now, by_organisers=by_organisers
    )
    hours = int(EmailChangeRequest.VALID_FOR.total_seconds() // 3600)
    outbox.email_queue_to(
        registration=registration,
        kind=OutgoingEmail.Kind.EMAIL_CHANGE_CONFIRM,
        to_email=new_email,
        subject=gettext_noop("Confirm your new email address"),
        template="email_change_confirm",
        context={
            "confirm_url": secret_link_url(name="registration:email_change_confirm", token=change.token),
            "hours": hours,
            "by_organisers": by_organisers,
        },
    )
    if by_organisers:
        notice = {"template": "email_change_organisers_notice", "context": {"masked_email": email_mask(new_email)}}
    else:
        notice = {
            "template": "email_change_notice",
            "context": {
                "masked_email": email_mask(new_email),
                "refuse_url": secret_link_url(name="registration:email_change_refuse", token=change.refuse_token),
                # The current address still owns the registration: its footer keeps the link it had.
                "manage_url": manage_url(registration=registration),
                "hours": hours,
            },
        }
    outbox.email_queue_to(
        registration=registration,
        kind=OutgoingEmail.Kind.EMAIL_CHANGE_NOTICE,
        to_email=registration.email,
        subject=gettext_noop("A change of your email address was requested"),
        **notice,
    )
    logger.info("email change requested", extra={"registration_id": registration.pk, "by_organisers": by_organisers})
    return change


def email_changes_close(*, registration: Registration, now: datetime.datetime) -> int:
    """Close the open requests of a registration being declined or cancelled; return how many were open.

    Closed for good: restoring a cancellation does not reopen them, and a declined registration cannot
    move to an address that would free the declined one to register again.
    """
    return EmailChangeRequest.objects.filter(
        registration=registration, confirmed_at__isnull=True, refused_at__isnull=True, closed_at__isnull=True
    ).update(closed_at=now)


def email_change_for_token(*, token: str, refusing: bool = False) -> EmailChangeRequest | None:
    """The request whose confirmation link (or, `refusing`, whose refusal link) holds `token`."""
    field = "refuse_token" if refusing else "token"
    change = EmailChangeRequest.objects.select_related("registration__meeting").filter(**{field: token}).first()
    # compare_digest: an exact, constant-time match even where a collation ignores letter case.
    if change is None or not secrets.compare_digest(getattr(change, field), token):
        return None
    return change


def email_change_status(
    *, change: EmailChangeRequest, now: datetime.datetime | None = None
) -> EmailChangeOutcome | None:
    """Why `change` can no longer be acted on, or None while it can."""
    now = now or timezone.now()
    registration = change.registration
    if (
        registration.anonymised_at
        or change.closed_at
        or registration.status in (Registration.Status.CANCELLED, Registration.Status.DECLINED)
        or not registration.meeting.is_registration_open(now)
    ):
        return EmailChangeOutcome.CLOSED
    newer = EmailChangeRequest.objects.filter(registration_id=change.registration_id, pk__gt=change.pk)
    if not change.is_open(now) or newer.exists():
        return EmailChangeOutcome.STALE
    return None


def email_change_confirm(*, change: EmailChangeRequest, now: datetime.datetime | None = None) -> EmailChangeOutcome:
    """Move the registration to the confirmed address and email it the registration; nothing changes otherwise."""
    now = now or timezone.now()
    with transaction.atomic():
        # The registration first, as `registration_update` locks it: one order, no deadlock.
        Registration.objects.select_for_update().filter(pk=change.registration_id).first()
        change = (
            EmailChangeRequest.objects.select_for_update(of=("self",))
            .select_related("registration__meeting")
            .get(pk=change.pk)
        )
        if problem := email_change_status(change=change, now=now):
            return problem
        registration = change.registration
        if _address_taken(registration=registration, email=change.new_email):
            return EmailChangeOutcome.TAKEN
        old_email = registration.email
        try:
            # A savepoint: a registration for the address saved since the check above must not
            # leave this transaction broken, or the request half-confirmed.
            with transaction.atomic():
                registration.email = change.new_email
                # A new manage link, known only to the new address: whoever held the old one (the
                # mistyped address, a former colleague) can no longer open the registration.
                registration.manage_token = new_manage_token()
                registration.save(update_fields=["email", "manage_token", "updated_at"])
        except IntegrityError:
            return EmailChangeOutcome.TAKEN
        change.confirmed_at = now
        change.save(update_fields=["confirmed_at"])
        # Not counted against the hour's allowance: without this email the new link would be lost,
        # and each confirmation was paid for when it was asked.
        outbox.email_queue(registration=registration, kind=OutgoingEmail.Kind.CHANGE)
        _email_changed_notice(registration=registration, old_email=old_email)
    logger.info("email change confirmed", extra={"registration_id": registration.pk})
    return EmailChangeOutcome.CONFIRMED


def _email_changed_notice(*, registration: Registration, old_email: str) -> None:
    # No link at all: the old one no longer works, and the new one is for the new address only.
    # Someone who did not want the change writes to the organisers (the meeting's contact address).
    outbox.email_queue_to(
        registration=registration,
        kind=OutgoingEmail.Kind.EMAIL_CHANGE_NOTICE,
        to_email=old_email,
        subject=gettext_noop("The email address of your registration has changed"),
        template="email_changed_notice",
        context={"masked_email": email_mask(registration.email)},
    )


def email_change_refusal_settled(*, change: EmailChangeRequest) -> EmailChangeOutcome | None:
    """What refusing `change` answers once it is settled (refused, or confirmed too late to refuse), or None."""
    if change.refused_at:
        return EmailChangeOutcome.REFUSED
    if change.confirmed_at:
        return EmailChangeOutcome.STALE
    return None


def email_change_refuse(*, change: EmailChangeRequest, now: datetime.datetime | None = None) -> EmailChangeOutcome:
    """Cancel a pending change from the current address; refusing twice changes nothing more."""
    now = now or timezone.now()
    with transaction.atomic():
        change = EmailChangeRequest.objects.select_for_update().get(pk=change.pk)
        if settled := email_change_refusal_settled(change=change):
            return settled
        change.refused_at = now
        change.save(update_fields=["refused_at"])
    logger.info("email change refused", extra={"registration_id": change.registration_id})
    return EmailChangeOutcome.REFUSED


def _address_taken(*, registration: Registration, email: str) -> bool:
    # A seam of its own: the tests replace it to lose the race with the database constraint.
    return registration_email_taken(meeting=registration.meeting, email=email, exclude_pk=registration.pk)
