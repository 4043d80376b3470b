"""A request to move a registration to a new email address, until that address confirms it (see `email_change`)."""

import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registration.tokens import new_manage_token


class EmailChangeRequest(models.Model):
    """A new address asked for by the participant or the organisers; the registration moves to it once it confirms."""

    # Long enough for someone away for a weekend, short enough that a forgotten link goes stale.
    VALID_FOR = datetime.timedelta(hours=48)

    registration = models.ForeignKey(
        "registration.Registration", on_delete=models.CASCADE, related_name="email_changes"
    )
    new_email = models.EmailField(_("new email"), max_length=254)
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_manage_token, editable=False)
    # The current address's link to refuse: a token of its own, so that it cannot confirm the change too.
    refuse_token = models.CharField(
        _("refusal token"), max_length=64, unique=True, default=new_manage_token, editable=False
    )
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    refused_at = models.DateTimeField(_("refused at"), null=True, blank=True)
    # Typed by an organiser: the current address (maybe the mistyped one) is told without a link to refuse.
    by_organisers = models.BooleanField(_("asked by the organisers"), default=False)
    # Set when the registration is declined or cancelled: not confirmable after, even once restored.
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("email change request")
        verbose_name_plural = _("email change requests")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(confirmed_at__isnull=True) | models.Q(refused_at__isnull=True),
                name="email_change_confirmed_or_refused_not_both",
            ),
        ]

    def __str__(self):
        return self.new_email

    def is_open(self, now: datetime.datetime) -> bool:
        return not (self.confirmed_at or self.refused_at or self.closed_at) and now < self.created_at + self.VALID_FOR
