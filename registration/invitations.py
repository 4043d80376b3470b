"""A registration's calendar invitation: one UID for its whole life, a sequence raised by each change that matters.

The invitation is sent with the emails that carry a calendar file. Which file is decided when the
email goes out, from the registration as it then stands: an active registration gets METHOD:REQUEST
with its current sequence; a cancelled or declined one that was sent an invitation gets METHOD:CANCEL
with the same UID; a pending one gets nothing, so a calendar never shows a place not yet confirmed.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CalendarInvitation(models.Model):
    """That an invitation went to a registration, under which UID, and its sequence (RFC 5546)."""

    registration = models.OneToOneField(
        "registration.Registration", on_delete=models.CASCADE, related_name="calendar_invitation"
    )
    # Kept on the row, so a later change of SITE_URL does not make calendars see a new event.
    uid = models.CharField(_("calendar UID"), max_length=255, unique=True)
    sequence = models.PositiveIntegerField(
        _("sequence"), default=0, help_text=_("Raised by each change the participant's calendar must follow.")
    )
    first_sent_at = models.DateTimeField(_("first sent at"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("calendar invitation")
        verbose_name_plural = _("calendar invitations")

    def __str__(self):
        return self.uid


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
