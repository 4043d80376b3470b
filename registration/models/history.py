"""What organisers did on a participant's behalf: who, what, when, and the note they left."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RegistrationEvent(models.Model):
    """One act of an organiser on a registration, written by the service that performs it.

    Kept apart from the admin's LogEntry, which only the admin writes: these acts are also done from
    commands and tests through the services, and the participant's page must show them all.
    """

    class Act(models.TextChoices):
        ADDED = "added", _("Registered on the participant's behalf")
        CANCELLED = "cancelled", _("Cancelled at the participant's request")
        RESTORED = "restored", _("Restored at the participant's request")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")
        LINK_RESENT = "link_resent", _("Personal link sent again")

    registration = models.ForeignKey(
        "registration.Registration", on_delete=models.CASCADE, related_name="events", verbose_name=_("registration")
    )
    act = models.CharField(_("what was done"), max_length=20, choices=Act.choices)
    # Kept when the organiser's account is deleted: the act happened, whoever can no longer sign in.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("act on the participant's behalf")
        verbose_name_plural = _("acts on the participant's behalf")

    def __str__(self):
        return self.get_act_display()
