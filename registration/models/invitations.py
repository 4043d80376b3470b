"""A registration's calendar invitation: one UID for its whole life, and the sequence each change raises (RFC 5546)."""

from django.db import models
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
