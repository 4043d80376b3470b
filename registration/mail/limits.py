"""How many emails one registration's manage link may cause in an hour."""

import datetime
import logging

from registration.mail import outbox
from registration.models import OutgoingEmail, Registration

logger = logging.getLogger(__name__)

# Counted from the outbox rows in the database, not the cache: a cache outage must not lift the
# limit (throttle.py fails open on purpose, which is right for the form and wrong for a mail relay).
WINDOW = datetime.timedelta(hours=1)
# A participant who registers, asks for a new address, confirms it and fixes a typo still gets every
# email; a script repeating the manage form gets five, all to the registration's own address or
# with our fixed text only.
MANAGE_EMAILS_PER_HOUR = 5
# The public form's duplicate path has its own limit, decided when the email is sent (`outbox`),
# so that a registered address costs the form no more work than a new one.
MANAGE_LINK_RESENDS_PER_HOUR = outbox.MANAGE_LINK_RESENDS_PER_HOUR
# Cancelling and restoring answer the participant's own act, and carry the calendar's CANCEL or REQUEST:
# they are sent whatever the other emails used of the hour (F1.4), up to this many, which no one
# cancelling by mistake and restoring reaches; only a script toggling the registration does.
MANAGE_ANSWERS_PER_HOUR = 10

# The emails a holder of the manage link can cause: changes, email-change messages, cancelling, restoring.
MANAGE_KINDS = (
    OutgoingEmail.Kind.CONFIRMATION,
    OutgoingEmail.Kind.CHANGE,
    OutgoingEmail.Kind.CANCELLATION,
    OutgoingEmail.Kind.EMAIL_CHANGE_CONFIRM,
    OutgoingEmail.Kind.EMAIL_CHANGE_NOTICE,
)


class EmailLimitReached(Exception):
    """The registration has caused as many emails in the last hour as it may."""


def manage_emails_left(*, registration: Registration, now: datetime.datetime) -> int:
    """How many more emails the manage link of `registration` may cause now.

    Callers hold the registration's row lock, so two simultaneous requests cannot both take the last one.
    """
    sent = OutgoingEmail.objects.filter(
        registration=registration, kind__in=MANAGE_KINDS, created_at__gt=now - WINDOW
    ).count()
    return max(MANAGE_EMAILS_PER_HOUR - sent, 0)


def manage_email_queue(*, registration: Registration, kind: str, now: datetime.datetime) -> OutgoingEmail | None:
    """Queue an email the manage link caused, unless the hour's allowance is used up; None when it is."""
    if manage_emails_left(registration=registration, now=now) < 1:
        logger.warning("manage link email limit reached", extra={"registration_id": registration.pk, "kind": kind})
        return None
    return outbox.email_queue(registration=registration, kind=kind)


def manage_answer_queue(*, registration: Registration, kind: str, now: datetime.datetime) -> OutgoingEmail | None:
    """Queue the confirmation of a cancellation or a restoration; None past MANAGE_ANSWERS_PER_HOUR.

    Callers hold the registration's row lock (see `manage_emails_left`). The page says when none was sent.
    """
    sent = OutgoingEmail.objects.filter(
        registration=registration,
        kind__in=(OutgoingEmail.Kind.CANCELLATION, OutgoingEmail.Kind.CONFIRMATION),
        created_at__gt=now - WINDOW,
    ).count()
    if sent >= MANAGE_ANSWERS_PER_HOUR:
        logger.warning("cancel/restore email limit reached", extra={"registration_id": registration.pk, "kind": kind})
        return None
    return outbox.email_queue(registration=registration, kind=kind)
