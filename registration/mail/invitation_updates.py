"""Keeping the participants' calendars in step with the meeting: an update to each invitation when its time changes."""

from django.db import transaction

from registration.mail.invitations import invitation_sequence_raise
from registration.mail.outbox import email_queue_rendered_later
from registration.models import OutgoingEmail, Registration


@transaction.atomic
def invitations_meeting_rescheduled(*, meeting) -> int:
    """Raise the sequence of every active registration's invitation and email it the update; return how many.

    Only registrations that were sent an invitation: the others get theirs, at the new time, when confirmed.
    """
    registrations = list(
        Registration.objects.select_for_update(of=("self",))
        .filter(
            meeting=meeting,
            status=Registration.Status.ACTIVE,
            anonymised_at__isnull=True,
            calendar_invitation__isnull=False,
        )
        .select_related("meeting")
        .order_by("pk")
    )
    invitation_sequence_raise(registrations=[registration.pk for registration in registrations])
    for registration in registrations:
        # Rendered by the worker: the organiser's save writes a row per registrant, not thousands of texts.
        email_queue_rendered_later(registration=registration, kind=OutgoingEmail.Kind.CALENDAR_UPDATE)
    return len(registrations)
