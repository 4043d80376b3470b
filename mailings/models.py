"""A message the organisers write to their meeting's registrants, and the one outbox row per registrant it became."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agenda.models import InterpretationLanguage, Meeting
from registration.models import OutgoingEmail, Registration


class Mailing(models.Model):
    """A message to all registrants of a meeting or a filtered set, written in each of the site's languages."""

    class Audience(models.TextChoices):
        REGISTRANTS = "registrants", _("Registrants, as filtered below")
        ATTENDED = "attended", _("After the meeting: registered and attended")
        ABSENT = "absent", _("After the meeting: registered and did not attend")

    class Speakers(models.TextChoices):
        ANY = "", _("Everyone")
        REQUESTED = "requested", _("Only those who asked to take the floor")
        ACCEPTED = "accepted", _("Only those on the speakers' list")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        QUEUED = "queued", _("Being sent")
        SENT = "sent", _("Sent")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="mailings", verbose_name=_("meeting"))
    audience = models.CharField(_("send to"), max_length=12, choices=Audience.choices, default=Audience.REGISTRANTS)
    statuses = models.JSONField(
        _("registration status"),
        default=list,
        blank=True,
        help_text=_("Leave empty for registered participants only."),
    )
    categories = models.JSONField(_("stakeholder categories"), default=list, blank=True)
    countries = models.JSONField(_("countries"), default=list, blank=True)
    listening_languages = models.ManyToManyField(
        InterpretationLanguage, blank=True, related_name="+", verbose_name=_("listening languages")
    )
    speakers = models.CharField(_("taking the floor"), max_length=10, choices=Speakers.choices, blank=True)
    attach_certificates = models.BooleanField(
        _("attach each attendee's certificate of participation"),
        default=False,
        help_text=_(
            "Only for a message to those who attended, once the certificates are released: each recipient who "
            "attended long enough gets their certificate as a PDF. The test sent to you carries none."
        ),
    )
    subject = models.CharField(
        _("subject"), max_length=200, help_text=_("The meeting's short name is put in front, in brackets.")
    )
    body = models.TextField(
        _("message"),
        help_text=_(
            "You may write {first_name}, {last_name}, {full_name}, {meeting_title}, {short_name} or "
            "{contact_email}. The contact address is added below it."
        ),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("written at"), default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    recipients_count = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("message to registrants")
        verbose_name_plural = _("messages to registrants")

    def __str__(self):
        return self.subject

    @property
    def is_follow_up(self) -> bool:
        return self.audience in (self.Audience.ATTENDED, self.Audience.ABSENT)


class MailingRecipient(models.Model):
    """That the message was written, once, to one registration: the outbox row it became."""

    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="recipients")
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="+")
    email = models.OneToOneField(OutgoingEmail, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        constraints = [
            # The guarantee behind "each registrant gets it once", whoever presses send and however often
            # the task runs: a second write of the same registrant fails and takes its batch with it.
            models.UniqueConstraint(fields=["mailing", "registration"], name="one_message_per_registration")
        ]

    def __str__(self):
        return f"{self.mailing_id} → {self.registration_id}"
