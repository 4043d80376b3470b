"""A registration's calendar invitation: one UID for its whole life, a sequence raised by each change that matters.

The invitation is sent with the emails that carry a calendar file. Which file is decided when the
email goes out, from the registration as it then stands: an active registration gets METHOD:REQUEST
with its current sequence; a cancelled or declined one that was sent an invitation gets METHOD:CANCEL
with the same UID; a pending one gets nothing, so a calendar never shows a place not yet confirmed.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from registration.models import CalendarInvitation


@dataclass(frozen=True)
class InvitationToSend:
    method: str
    uid: str
    sequence: int


def invitation_uid(*, registration) -> str:
    """A UID per meeting and participant: the registration is both."""
    host = settings.SITE_URL.split("://", 1)[-1].strip("/") or "localhost"
    return f"registration-{registration.pk}-{registration.meeting.slug}@{host}"


def invitation_to_send(*, registration) -> InvitationToSend | None:
    """The calendar file an email to `registration` carries now: a REQUEST, a CANCEL, or none."""
    active = registration.status == registration.Status.ACTIVE
    if active:
        invitation, _created = CalendarInvitation.objects.get_or_create(
            registration=registration, defaults={"uid": invitation_uid(registration=registration)}
        )
        return InvitationToSend(method="REQUEST", uid=invitation.uid, sequence=invitation.sequence)
    invitation = CalendarInvitation.objects.filter(registration=registration).first()
    if invitation is None or registration.status == registration.Status.PENDING:
        # Never sent, so nothing to withdraw; and a pending registration's calendar stays empty.
        return None
    return InvitationToSend(method="CANCEL", uid=invitation.uid, sequence=invitation.sequence)


def invitation_sequence_raise(*, registrations) -> int:
    """Raise the sequence of the invitations sent to `registrations` (a queryset or list of ids); return how many.

    One UPDATE, so two changes at once raise it twice, never to the same number. Registrations never
    sent an invitation have no row and none is made: their first one starts at 0.
    """
    return CalendarInvitation.objects.filter(registration__in=registrations).update(
        sequence=F("sequence") + 1, updated_at=timezone.now()
    )
