"""Organisers acting on a participant's behalf: register them, cancel and restore on request, resend their link.

A minister's office emails the names, a participant phones to cancel: each act here is done under a
row lock, emails the participant in their language through the outbox (never held back by the manage
link's hourly allowance, which guards against strangers, not the secretariat), and is recorded as a
`RegistrationEvent` with who did it and when. Approving and declining are in `moderation`.
"""

import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agenda.models import Meeting
from registration.mail import outbox
from registration.models import OutgoingEmail, Registration, RegistrationEvent
from registration.rules import registration_rules_check
from registration.services import (
    registration_mark_cancelled,
    registration_mark_restored,
    registration_open_ensure,
)

logger = logging.getLogger(__name__)


def registration_event_record(*, registration: Registration, act: str, actor, note: str = "", now=None) -> None:
    """Write who did `act` to `registration` and when; called inside the act's transaction."""
    RegistrationEvent.objects.create(
        registration=registration, act=act, actor=actor, note=note.strip(), at=now or timezone.now()
    )


def listening_language_offered(*, meeting: Meeting, language) -> bool:
    """Whether `meeting` offers `language` to listen in: the public form offers only those, so organisers too."""
    return language is None or meeting.interpretation_languages.filter(pk=language.pk).exists()


def registration_create_on_behalf(
    *,
    meeting: Meeting,
    data: dict[str, Any],
    language: str,
    actor,
    after_deadline: bool = False,
    note: str = "",
    now=None,
) -> Registration:
    """Register someone at an organiser's hand: the form's rules, a taken address refused, emailed in `language`.

    The registration is active at once, approval or not: the organiser adding it is the one who would
    approve it. The deadline binds unless the organiser chooses `after_deadline` (then it raises
    `RegistrationClosed`). Errors of the answers raise `ValidationError` by field, saving nothing.
    The privacy notice's time is the moment of the act: the organiser confirms, on the form, that the
    participant was given it; the confirmation email links to it again.
    """
    now = now or timezone.now()
    if not after_deadline:
        registration_open_ensure(meeting=meeting, now=now)
    check = registration_rules_check(data=data, meeting=meeting, refuse_taken_email=True, now=now)
    errors = dict(check.errors)
    if not listening_language_offered(meeting=meeting, language=data.get("listening_language")):
        errors["listening_language"] = [_("This meeting does not offer interpretation into this language.")]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            registration = Registration.objects.create(
                meeting=meeting,
                **check.values,
                status=Registration.Status.ACTIVE,
                privacy_consent_at=now,
                language=language,
            )
            registration_event_record(
                registration=registration, act=RegistrationEvent.Act.ADDED, actor=actor, note=note, now=now
            )
            outbox.email_queue(registration=registration, kind=OutgoingEmail.Kind.CONFIRMATION)
    except IntegrityError as error:
        # Another registration took the address between the check and the insert.
        raise ValidationError({"email": _("Another registration for this meeting already has this email.")}) from error
    logger.info("registration added on the participant's behalf", extra={"registration_id": registration.pk})
    return registration


@transaction.atomic
def registration_cancel_on_behalf(*, registration: Registration, actor, note: str = "", now=None) -> bool:
    """Cancel at the participant's request and email them; False when it was not active or pending.

    A declined registration stays declined: cancelling it would let a restore undo the decision.
    """
    now = now or timezone.now()
    locked = Registration.objects.select_for_update().get(pk=registration.pk)
    if locked.status not in (Registration.Status.ACTIVE, Registration.Status.PENDING) or locked.anonymised_at:
        return False
    registration_mark_cancelled(registration=locked, now=now)
    registration_event_record(registration=locked, act=RegistrationEvent.Act.CANCELLED, actor=actor, note=note, now=now)
    outbox.email_queue(registration=locked, kind=OutgoingEmail.Kind.CANCELLATION)
    registration.status, registration.cancelled_at = locked.status, locked.cancelled_at
    return True


@transaction.atomic
def registration_restore_on_behalf(*, registration: Registration, actor, note: str = "", now=None) -> bool:
    """Undo a cancellation at the participant's request, deadline or not; False when it was not cancelled.

    Restored as active, approval or not, for the reason `registration_create_on_behalf` gives.
    """
    now = now or timezone.now()
    locked = Registration.objects.select_for_update().get(pk=registration.pk)
    if not locked.is_cancelled or locked.anonymised_at:
        return False
    registration_mark_restored(registration=locked, status=Registration.Status.ACTIVE)
    registration_event_record(registration=locked, act=RegistrationEvent.Act.RESTORED, actor=actor, note=note, now=now)
    outbox.email_queue(registration=locked, kind=OutgoingEmail.Kind.CONFIRMATION)
    registration.status, registration.cancelled_at = locked.status, None
    return True


@transaction.atomic
def registration_link_resend(*, registration: Registration, actor, now=None) -> OutgoingEmail | None:
    """Send the participant their personal link again, to the address the registration holds; None if it has none.

    Only an active or pending registration not erased gets it.

    The registration's address is always a confirmed one: a new address replaces it only once it is
    confirmed from its own mailbox (`email_change`). The email is the confirmation, with the link and
    the registration as it stands now.
    """
    locked = Registration.objects.select_for_update().select_related("meeting").get(pk=registration.pk)
    if locked.anonymised_at or locked.status not in (Registration.Status.ACTIVE, Registration.Status.PENDING):
        return None
    registration_event_record(registration=locked, act=RegistrationEvent.Act.LINK_RESENT, actor=actor, now=now)
    return outbox.email_queue(registration=locked, kind=OutgoingEmail.Kind.CONFIRMATION)
