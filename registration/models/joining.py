"""A meeting's joining details: the platform's links and passcodes, and what each registration was sent of them."""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from agenda.models import Meeting

# Changing any of these after they went out sends them again to everyone who had them.
SECRET_FIELDS = ("participants_url", "participants_passcode", "speakers_url", "speakers_passcode")


class JoiningDetails(models.Model):
    """How to join one meeting; only active registrations see it, and only from `shown_from`.

    The links are the meeting's door: kept out of the public pages, the public .ics and the logs.
    """

    class Platform(models.TextChoices):
        ZOOM = "zoom", _("Zoom")
        TEAMS = "teams", _("Microsoft Teams")
        WEBEX = "webex", _("Webex")
        INTERPREFY = "interprefy", _("Interprefy")
        OTHER = "other", _("Other platform")

    meeting = models.OneToOneField(
        Meeting, on_delete=models.CASCADE, related_name="joining_details", verbose_name=_("meeting")
    )
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices, default=Platform.ZOOM)
    participants_url = models.URLField(_("participants' joining link"), blank=True, max_length=500)
    participants_passcode = models.CharField(_("participants' passcode"), max_length=100, blank=True)
    speakers_url = models.URLField(
        _("speakers' joining link"),
        blank=True,
        max_length=500,
        help_text=_("Sent only to the speakers the organisers accepted."),
    )
    speakers_passcode = models.CharField(_("speakers' passcode"), max_length=100, blank=True)
    interpretation_instructions = models.TextField(
        _("how to choose the interpretation channel"),
        blank=True,
        help_text=_("For example: click the globe icon at the bottom of the window and choose your language."),
    )
    dial_in = models.TextField(_("dial-in numbers"), blank=True)
    shown_from_days_before = models.PositiveSmallIntegerField(
        _("shown from (days before the start)"),
        default=3,
        help_text=_("Registered participants see the details on their page, and in reminders, from then on."),
    )
    version = models.PositiveIntegerField(
        _("version"), default=1, editable=False, help_text=_("Goes up each time a link or passcode changes.")
    )

    class Meta:
        verbose_name = _("joining details")
        verbose_name_plural = _("joining details")

    def __str__(self):
        return str(self.meeting)

    @property
    def shown_from(self) -> datetime.datetime:
        return self.meeting.starts_at - datetime.timedelta(days=self.shown_from_days_before)


class JoiningDetailsSent(models.Model):
    """One version of the joining details emailed to one registration: who had which, so a change reaches them once."""

    registration = models.ForeignKey("registration.Registration", on_delete=models.CASCADE, related_name="joining_sent")
    version = models.PositiveIntegerField(_("version"))
    sent_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("joining details sent")
        verbose_name_plural = _("joining details sent")
        constraints = [
            # The guarantee behind "a changed link goes out once", even when two saves race.
            models.UniqueConstraint(fields=["registration", "version"], name="one_joining_email_per_version"),
        ]

    def __str__(self):
        return f"{self.registration} — {self.version}"
