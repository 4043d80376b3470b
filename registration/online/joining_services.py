"""Saving a meeting's joining details, and sending them again, once, to everyone who had a version now changed."""

from django.db import transaction
from django.db.models import Exists, OuterRef

from registration.mail.invitations import invitation_sequence_raise
from registration.mail.outbox import email_queue
from registration.models import SECRET_FIELDS, JoiningDetails, JoiningDetailsSent, OutgoingEmail, Registration
from registration.online.joining import joining_for


@transaction.atomic
def joining_details_save(*, details: JoiningDetails) -> int:
    """Save the details; when a link or passcode changed, send them again. Returns how many emails were queued.

    The stored row is locked while it is compared, so two organisers saving at once raise the
    version once each, never to the same number.
    """
    stored = JoiningDetails.objects.select_for_update().filter(pk=details.pk).first() if details.pk else None
    changed = stored is not None and any(getattr(stored, name) != getattr(details, name) for name in SECRET_FIELDS)
    if changed:
        details.version = stored.version + 1
    details.save()
    return joining_changed_send(details=details) if changed else 0


def joining_changed_recipients(*, details: JoiningDetails):
    """Active registrations that were emailed an earlier version of the details and not this one."""
    had_earlier = JoiningDetailsSent.objects.filter(registration=OuterRef("pk"), version__lt=details.version)
    has_this = JoiningDetailsSent.objects.filter(registration=OuterRef("pk"), version=details.version)
    return (
        Registration.objects.reachable()
        .filter(meeting_id=details.meeting_id)
        .filter(Exists(had_earlier))
        .exclude(Exists(has_this))
        .select_related("meeting", "listening_language", "floor_decision")
        .order_by("pk")
    )


@transaction.atomic
def joining_changed_send(*, details: JoiningDetails) -> int:
    """Queue the "joining details changed" email to each registration that had an earlier version; return how many.

    Safe to run twice or at once in two processes: the unique (registration, version) row is
    written first, and only the run that wrote it queues the email.
    """
    queued = 0
    for registration in joining_changed_recipients(details=details):
        with transaction.atomic():
            _sent, created = JoiningDetailsSent.objects.get_or_create(
                registration=registration, version=details.version
            )
        if not created:
            continue
        joining = joining_for(registration=registration, at=None, details=details)
        # The attached invitation's new location replaces the old link in the participant's calendar.
        invitation_sequence_raise(registrations=[registration.pk])
        email_queue(registration=registration, kind=OutgoingEmail.Kind.JOINING_CHANGED, joining=joining)
        queued += 1
    return queued
