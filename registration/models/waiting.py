"""The waiting list's offers: a freed place offered to the next in line for a few days."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registration.models.registration import Registration


class PlaceOffer(models.Model):
    """A place offered to a registration on the waiting list, until `expires_at`; taken up or lapsed, it is closed."""

    class Outcome(models.TextChoices):
        OPEN = "", _("Open")
        TAKEN = "taken", _("Taken up")
        LAPSED = "lapsed", _("Lapsed")

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="place_offers")
    offered_at = models.DateTimeField(_("offered at"), default=timezone.now)
    expires_at = models.DateTimeField(_("to be taken up by"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True, default="")
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-offered_at"]
        verbose_name = _("place offered")
        verbose_name_plural = _("places offered")
        constraints = [
            # One offer per person: an offer that lapsed passes on and is not made again.
            models.UniqueConstraint("registration", name="one_place_offer_per_registration"),
            models.CheckConstraint(
                condition=models.Q(outcome="", closed_at__isnull=True)
                | (~models.Q(outcome="") & models.Q(closed_at__isnull=False)),
                name="place_offer_closed_with_its_outcome",
            ),
        ]

    def __str__(self):
        return f"{self.registration} {self.offered_at:%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None
