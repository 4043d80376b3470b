"""Who attended a meeting, read from the platform's attendance report, and the follow-up emails sent afterwards."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AttendanceImport(models.Model):
    """One attendance report read for a meeting; its hash makes importing the same file twice change nothing."""

    meeting = models.ForeignKey("agenda.Meeting", on_delete=models.CASCADE, related_name="attendance_imports")
    sha256 = models.CharField(_("file fingerprint (SHA-256)"), max_length=64)
    platform = models.CharField(_("platform"), max_length=40)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    matched = models.PositiveIntegerField(_("people matched"), default=0)
    unmatched = models.PositiveIntegerField(_("people not matched"), default=0)
    ignored = models.PositiveIntegerField(_("rows ignored"), default=0)
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = _("attendance report imported")
        verbose_name_plural = _("attendance reports imported")
        constraints = [models.UniqueConstraint(fields=["meeting", "sha256"], name="one_import_per_file_and_meeting")]

    def __str__(self):
        return f"{self.platform} {self.imported_at:%Y-%m-%d %H:%M}"


class Attendance(models.Model):
    """One person's presence at one meeting, all their joins summed; personal data like the registration itself.

    `registration` is empty until the person is matched; `unregistered` records that the organisers
    found no registration for them; `ignored` that the line was no participant at all. The retention
    rules blank the name and email with the registration's.
    """

    meeting = models.ForeignKey("agenda.Meeting", on_delete=models.CASCADE, related_name="attendances")
    registration = models.ForeignKey(
        "registration.Registration",
        on_delete=models.CASCADE,
        related_name="attendances",
        null=True,
        blank=True,
        verbose_name=_("registration"),
    )
    unregistered = models.BooleanField(
        _("attended without registering"),
        default=False,
        help_text=_("Tick when no registration belongs to this person; they are then counted apart."),
    )
    # The host's own line, a room device, a test connection: no one to match, and no one to count.
    ignored = models.BooleanField(
        _("ignored (host, room, test)"),
        default=False,
        help_text=_("Tick for a line that is no participant; it is then neither matched nor counted."),
    )
    # How the rows of this person are recognised in the next report: their email, else their name.
    person_key = models.CharField(_("person key"), max_length=300, editable=False)
    name = models.CharField(_("name as in the report"), max_length=300, blank=True)
    email = models.CharField(_("email as in the report"), max_length=254, blank=True)
    minutes = models.PositiveIntegerField(_("minutes attended"), default=0)
    first_join = models.DateTimeField(_("first join"), null=True, blank=True)
    last_leave = models.DateTimeField(_("last leave"), null=True, blank=True)
    channel = models.CharField(
        _("interpretation channel listened to"), max_length=100, blank=True, help_text=_("When the report gives it.")
    )
    source_sha256 = models.CharField(_("read from the file (SHA-256)"), max_length=64, editable=False)

    class Meta:
        ordering = ["meeting", "name"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person_key"], name="one_attendance_per_person_key"),
            # However many names a person joined under, they count once.
            models.UniqueConstraint(
                fields=["meeting", "registration"],
                condition=Q(registration__isnull=False),
                name="one_attendance_per_registration",
            ),
            models.CheckConstraint(
                condition=Q(registration__isnull=True) | Q(unregistered=False),
                name="attendance_matched_or_unregistered",
            ),
            models.CheckConstraint(
                condition=Q(ignored=False) | Q(registration__isnull=True, unregistered=False),
                name="attendance_ignored_is_neither_matched_nor_unregistered",
            ),
        ]

    def __str__(self):
        return self.name or self.email or str(_("(name removed)"))


class FollowUp(models.Model):
    """The email sent after the meeting, written per language, to those who attended or to those who did not."""

    class Audience(models.TextChoices):
        ATTENDED = "attended", _("Registered and attended")
        ABSENT = "absent", _("Registered and did not attend")

    meeting = models.ForeignKey("agenda.Meeting", on_delete=models.CASCADE, related_name="follow_ups")
    audience = models.CharField(_("send to"), max_length=10, choices=Audience.choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(
        _("message"), help_text=_("Your thanks; the links below and the contact address are added after it.")
    )
    recording_url = models.URLField(_("link to the recording or summary"), blank=True)
    survey_url = models.URLField(_("link to the survey"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("last sent at"), null=True, blank=True)

    class Meta:
        ordering = ["meeting", "-created_at"]
        verbose_name = _("follow-up email")
        verbose_name_plural = _("follow-up emails")

    def __str__(self):
        return self.subject


class FollowUpDelivery(models.Model):
    """That a follow-up was written to a registration: at most once, whoever presses send and how often."""

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="deliveries")
    registration = models.ForeignKey(
        "registration.Registration", on_delete=models.CASCADE, related_name="follow_up_deliveries"
    )
    queued_at = models.DateTimeField(_("queued at"), default=timezone.now)

    class Meta:
        verbose_name = _("follow-up email queued")
        verbose_name_plural = _("follow-up emails queued")
        constraints = [
            models.UniqueConstraint(fields=["follow_up", "registration"], name="one_follow_up_per_registration")
        ]

    def __str__(self):
        return f"{self.follow_up} → {self.registration_id}"
