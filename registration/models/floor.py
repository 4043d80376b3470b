"""Requests to take the floor as the organisers decide them: accepted or declined, and the order of speakers."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FloorDecision(models.Model):
    """The organisers' answer to one registration's request to take the floor.

    A registration that wishes to speak and has no decision yet is a request still open. `position`
    orders the accepted speakers within their group (Member States first, then the others, as is UN
    practice); the speakers' list derives the rest.
    """

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    registration = models.OneToOneField(
        "registration.Registration", on_delete=models.CASCADE, related_name="floor_decision"
    )
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    position = models.PositiveIntegerField(
        _("order"), null=True, blank=True, help_text=_("Order among the accepted speakers of the same group.")
    )
    coordinated = models.BooleanField(
        _("coordinated intervention"),
        default=False,
        help_text=_("The speaker takes the floor on behalf of a group of States or organisations."),
    )
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)

    class Meta:
        verbose_name = _("decision on taking the floor")
        verbose_name_plural = _("decisions on taking the floor")
        constraints = [
            # Only an accepted speaker has a place in the order.
            models.CheckConstraint(
                condition=Q(decision="accepted") | Q(position__isnull=True), name="floor_position_only_when_accepted"
            ),
        ]

    def __str__(self):
        return f"{self.registration} — {self.get_decision_display()}"
