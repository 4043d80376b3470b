"""The emails of a meeting: the reminders it sends, and every email written to the outbox."""

import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agenda.models import Meeting
from registration.models.registration import Registration


class Reminder(models.Model):
    """When a meeting's reminder goes out, and what it says; times follow the meeting's date."""

    class Kind(models.TextChoices):
        DAYS_BEFORE = "days_before", _("Days before, at a set hour")
        STARTING_SOON = "starting_soon", _("Starting soon")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.DAYS_BEFORE)
    days_before = models.PositiveSmallIntegerField(_("days before"), default=1)
    local_time = models.TimeField(
        _("at (meeting's time zone)"), default=datetime.time(9, 0), help_text=_("For reminders sent days before.")
    )
    minutes_before = models.PositiveSmallIntegerField(
        _("minutes before the start"), default=60, help_text=_("For the “starting soon” reminder.")
    )
    subject = models.CharField(
        _("subject"), max_length=200, help_text=_("The meeting's short name is put in front, in brackets.")
    )
    body = models.TextField(
        _("body"),
        help_text=_(
            "You may write {greeting} (the salutation as each language writes it), {first_name}, {last_name}, "
            "{full_name}, {meeting_title}, {short_name}, {start_time}, {join_link}, {manage_link} or "
            "{contact_email}. The date and time, how to join, the manage link and the contact address are added "
            "below it."
        ),
    )

    class Meta:
        ordering = ["meeting", "kind", "-days_before"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")

    def __str__(self):
        return self.subject

    @property
    def send_at(self) -> datetime.datetime:
        starts = timezone.localtime(self.meeting.starts_at, self.meeting.tzinfo)
        if self.kind == self.Kind.STARTING_SOON:
            return starts - datetime.timedelta(minutes=self.minutes_before)
        day = starts.date() - datetime.timedelta(days=self.days_before)
        return datetime.datetime.combine(day, self.local_time, tzinfo=self.meeting.tzinfo)


class OutgoingEmail(models.Model):
    """Every email is written here first, in the transaction that caused it, then sent by a task."""

    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation", _("Confirmation")
        MANAGE_LINK = "manage_link", _("Manage link again")
        CHANGE = "change", _("Change")
        CANCELLATION = "cancellation", _("Cancellation")
        REMINDER = "reminder", _("Reminder")
        DECISION = "decision", _("Approval or decline")
        EMAIL_CHANGE_CONFIRM = "email_change_confirm", _("New email address to confirm")
        EMAIL_CHANGE_NOTICE = "email_change_notice", _("Email change requested")
        FOLLOW_UP = "follow_up", _("Follow-up after the meeting")
        JOINING_CHANGED = "joining_changed", _("Joining details changed")
        FLOOR_DECISION = "floor_decision", _("Decision on taking the floor")
        CALENDAR_UPDATE = "calendar_update", _("Meeting time changed")
        MAILING = "mailing", _("Message from the organisers")
        WAITING_LIST = "waiting_list", _("On the waiting list")
        PLACE_OFFER = "place_offer", _("A place is offered")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Not sent (no longer relevant)")

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="emails", null=True, blank=True
    )
    reminder = models.ForeignKey(Reminder, on_delete=models.PROTECT, related_name="emails", null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    to_email = models.EmailField(_("recipient"), max_length=254)
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("plain text"))
    body_html = models.TextField(_("HTML"), blank=True)
    attach_calendar = models.BooleanField(_("attach the meeting's .ics"), default=False)
    attachment = models.CharField(
        _("attachment made when sent"),
        max_length=20,
        blank=True,
        help_text=_("A file made for its reader at the moment the email goes out, such as their certificate."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    next_attempt_at = models.DateTimeField(
        _("next attempt at"),
        default=timezone.now,
        help_text=_("When a queued email is due; a periodic task re-queues it if no worker took it by then."),
    )
    sending_started_at = models.DateTimeField(_("sending started at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")
        constraints = [
            # The guarantee behind "each reminder at most once per registrant", even
            # when beat fires twice or two workers run the same batch.
            models.UniqueConstraint(
                fields=["registration", "reminder"],
                condition=models.Q(reminder__isnull=False),
                name="one_email_per_reminder_and_registration",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["status", "next_attempt_at"], name="outgoing_email_due_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.to_email}"

    def mark_sending(self):
        self.status = self.Status.SENDING
        self.attempts += 1
        self.sending_started_at = timezone.now()
        self.save(update_fields=["status", "attempts", "sending_started_at"])

    def mark_sent(self, *, message_id=""):
        self.status = self.Status.SENT
        self.sent_at = timezone.now()
        self.last_error = ""
        self.message_id = message_id
        self.save(update_fields=["status", "sent_at", "last_error", "message_id"])

    def mark_queued(self, *, error, retry_at=None):
        self.status = self.Status.QUEUED
        self.last_error = error
        self.next_attempt_at = retry_at or timezone.now()
        self.save(update_fields=["status", "last_error", "next_attempt_at"])

    def mark_failed(self, *, error):
        self.status = self.Status.FAILED
        self.last_error = error
        self.save(update_fields=["status", "last_error"])

    def mark_skipped(self, *, reason):
        self.status = self.Status.SKIPPED
        self.last_error = reason
        self.save(update_fields=["status", "last_error"])
